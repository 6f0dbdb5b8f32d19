package io.voiceagent.app;

import io.voiceagent.ai.ElevenLabsClient;
import io.voiceagent.api.DebugOperations;
import io.voiceagent.api.HttpApi;
import io.voiceagent.call.CallEvents;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallManager;
import io.voiceagent.call.CallMode;
import io.voiceagent.campaigns.CampaignListener;
import io.voiceagent.campaigns.Campaigns;
import io.voiceagent.campaigns.DoNotCallList;
import io.voiceagent.config.Config;
import io.voiceagent.demo.DemoNetwork;
import io.voiceagent.exolve.ExolveApi;
import io.voiceagent.exolve.ExolveHttpApi;
import io.voiceagent.media.MediaEngine;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.net.OutboundConnections;
import io.voiceagent.net.ProxiedConnections;
import io.voiceagent.recordings.Recordings;
import io.voiceagent.sip.PhoneNumbers;
import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SipTimers;
import io.voiceagent.sip.SipUserAgent;
import io.voiceagent.sip.UdpSipUserAgent;
import io.voiceagent.webhooks.Backoff;
import io.voiceagent.webhooks.DeliveryLog;
import io.voiceagent.webhooks.HttpWebhookSender;
import io.voiceagent.webhooks.WebhookDispatcher;
import io.voiceagent.webhooks.WebhookOutbox;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * The whole object graph in one place: config, then the clients that talk to the outside, then the
 * call layer, then the HTTP API. Every component that holds a socket or a thread is registered as
 * it is built and closed in reverse order, after live calls have been hung up.
 */
public final class Module implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Module.class.getName());
    private static final Duration AGENT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(7);
    /** How long start-up waits for the registrar's first answer; it goes on registering after that. */
    private static final Duration FIRST_REGISTRATION_WAIT = Duration.ofSeconds(5);

    private final Config config;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final CallManager calls;
    private final SipUserAgent sip;
    private final HttpApi http;
    private final Campaigns campaigns;
    private boolean closed;

    private Module(Config config, Optional<DemoNetwork> demo) throws IOException {
        this.config = config;
        demo.ifPresent(this::register);
        try {
            Clock clock = Clock.systemUTC();
            RandomGenerator random = new SecureRandom();
            ServiceMetrics metrics = new ServiceMetrics();

            OutboundConnections outbound = register(new ProxiedConnections(config.proxy(),
                    config.elevenLabs().apiUrl()));
            ElevenLabsClient agents = new ElevenLabsClient(config.elevenLabs(), outbound, AGENT_HANDSHAKE_TIMEOUT,
                    metrics);
            Optional<ExolveApi> exolve = config.exolve().useHttp()
                    ? Optional.of(new ExolveHttpApi(config.exolve(), config.sip().login(), outbound))
                    : Optional.empty();

            sip = register(new UdpSipUserAgent(config.sip(), SipTimers.rfc3261(), clock, random));
            sip.start();
            awaitFirstRegistration(sip);
            MediaEngine media = register(new MediaEngine(config.rtp(), "0.0.0.0", System::nanoTime, random,
                    config.elevenLabs().agentAudioBuffer(), config.sip().stunServer(), metrics));

            CallJournal.Opened journal = CallJournal.open(config.http().dataDir(), clock, new CallJournal.Settings(
                    Duration.ofDays(config.http().journalRetentionDays()), CallJournal.Settings.DEFAULT_RETRY_INTERVAL,
                    CallManager.Settings.DEFAULT_ENDED_CALLS_IN_MEMORY));
            register(journal.journal());
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("call-timers").daemon().factory());
            register(timers::shutdownNow);
            CallManager.Settings settings = new CallManager.Settings(
                    config.exolve().useHttp() ? CallMode.EXOLVE_HTTP : CallMode.SIP,
                    config.http().maxConcurrentCalls(), config.elevenLabs().chunkMs(), config.sip().ringTimeout(),
                    CallManager.Settings.DEFAULT_ENDED_CALLS_IN_MEMORY, config.elevenLabs().aiConnect(), config.tools());
            // Made before the calls so that they close after them (an ending call stops its recording); they
            // find a call's media through the manager made next.
            AtomicReference<CallManager> callManager = new AtomicReference<>();
            Recordings recordings = register(Recordings.open(config.recording(), config.http().dataDir(), clock,
                    config.http().maxConcurrentCalls(),
                    id -> callManager.get().liveMedia(id)));
            calls = register(new CallManager(settings, sip, media::open, agents, exolve,
                    journal.journal(),
                    journal.records(), timers, clock, random, metrics));
            callManager.set(calls);
            sip.setInboundHandler(calls);
            calls.onSaved(recordings::onSaved);
            timers.scheduleAtFixedRate(recordings::deleteExpired, 1, 1, TimeUnit.DAYS);

            DeliveryLog webhooks = webhooks(config.webhooks(), outbound, clock, random, metrics);
            if (webhooks instanceof WebhookDispatcher dispatcher) {
                calls.onSaved(dispatcher::onSaved);
            }

            campaigns = register(Campaigns.open(config.http().dataDir(),
                    Duration.ofDays(config.http().journalRetentionDays()), calls,
                    new DoNotCallList(config.doNotCall().file(), PhoneNumbers::toE164Digits), clock, random,
                    config.http().maxConcurrentCalls(), recordings::withNotice,
                    webhooks instanceof WebhookDispatcher dispatcher ? dispatcher::campaignFinished
                            : CampaignListener.NONE));
            campaigns.reportTo(metrics);
            campaigns.start();

            CallEvents events = new CallEvents(CallEvents.DEFAULT_CAPACITY);
            calls.publishTo(events);
            calls.endInterruptedCalls(); // after every save listener: their call.ended is made like any call's
            timers.scheduleAtFixedRate(() -> events.sampleMedia(calls), 1, 1, TimeUnit.SECONDS);
            http = register(new HttpApi(config.http(), calls, debugOperations(agents, exolve, outbound),
                    config.exolve().webhookSecret(), clock, events, webhooks, recordings, metrics,
                    Optional.of(campaigns)));
            http.start();
            register(events); // closed before the HTTP server, so that open event streams end at once
        } catch (IOException | RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    /**
     * Builds and starts everything; on failure closes what was already started. Without credentials
     * the built-in demo network is started first and the config is pointed at it.
     */
    public static Module start(Config config) throws IOException {
        if (!config.demo()) {
            return new Module(config, Optional.empty());
        }
        DemoNetwork demo = DemoNetwork.start(false);
        LOG.log(System.Logger.Level.INFO, "demo network started: carrier udp " + demo.carrier().host() + ":"
                + demo.carrier().port() + ", agent " + demo.agent().webSocketUri());
        return new Module(demo.configure(config), Optional.of(demo));
    }

    /**
     * Calls are refused (503 not_registered) until the registrar has answered, so a service that is
     * started and used at once (a script, the demo) gets a moment for its first REGISTER. Bounded:
     * an unreachable registrar only shows on /health.
     */
    private static void awaitFirstRegistration(SipUserAgent sip) {
        long deadline = System.nanoTime() + FIRST_REGISTRATION_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            RegistrationStatus.State state = sip.registration().state();
            if (state == RegistrationStatus.State.REGISTERED || state == RegistrationStatus.State.FAILED) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "no answer from the SIP registrar within " + FIRST_REGISTRATION_WAIT
                .toSeconds() + " s; calls are refused until registration succeeds (see /health)");
    }

    /**
     * The call-event webhooks when CALLBACK_SECRET is set (CALLBACK_URL, or calls' own callback_url),
     * their outbox in DATA_DIR; nothing otherwise.
     */
    private DeliveryLog webhooks(Config.Webhooks settings, OutboundConnections outbound, Clock clock,
                                 RandomGenerator random, ServiceMetrics metrics) throws IOException {
        if (settings.secret().isEmpty()) {
            return DeliveryLog.NONE;
        }
        WebhookOutbox outbox = register(WebhookOutbox.open(config.http().dataDir(), clock));
        WebhookDispatcher dispatcher = register(new WebhookDispatcher(settings.callbackUrl(), settings.secret(),
                outbox, new HttpWebhookSender(outbound.httpClient(), HttpWebhookSender.TIMEOUT), Backoff.DEFAULT,
                clock, random, metrics));
        dispatcher.start();
        if (!outbox.pending().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, outbox.pending().size() + " webhook event(s) from before the restart"
                    + " are being delivered");
        }
        return dispatcher;
    }

    public int httpPort() {
        return http.port();
    }

    public Config config() {
        return config;
    }

    private DebugOperations debugOperations(ElevenLabsClient agents, Optional<ExolveApi> exolve,
                                            OutboundConnections outbound) {
        return new DebugOperations() {
            @Override
            public Map<String, Object> sip() {
                return sip.debugSnapshot();
            }

            @Override
            public void sipRegister() {
                sip.reregister();
            }

            @Override
            public Map<String, Object> aiCheck() {
                return agents.check();
            }

            @Override
            public Map<String, Object> exolveCheck() {
                return exolve.map(ExolveApi::check).orElse(Map.of("enabled", false,
                        "message", "USE_EXOLVE_HTTP is false: the Exolve HTTP API is not used"));
            }

            @Override
            public Map<String, Object> proxy() {
                return outbound.check();
            }
        };
    }

    private <T extends AutoCloseable> T register(T component) {
        closeables.push(component);
        return component;
    }

    /**
     * Stops taking calls, hangs up live ones (BYE, agent socket closed), then closes everything in
     * reverse order of creation: HTTP, call layer, media, SIP (which unregisters), outbound clients.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        campaigns.close(); // no campaign starts a call while the live ones are hung up
        calls.drain(DRAIN_TIMEOUT);
        closeAll();
    }

    private void closeAll() {
        while (!closeables.isEmpty()) {
            AutoCloseable component = closeables.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + component.getClass().getSimpleName()
                        + " failed: " + e.getMessage());
            }
        }
    }
}
