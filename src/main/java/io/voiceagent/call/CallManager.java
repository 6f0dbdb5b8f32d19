package io.voiceagent.call;

import io.voiceagent.ai.AgentClient;
import io.voiceagent.config.Config;
import io.voiceagent.exolve.ExolveApi;
import io.voiceagent.exolve.ExolveEvent;
import io.voiceagent.exolve.ExolveException;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.MediaSessionFactory;
import io.voiceagent.media.MediaStats;
import io.voiceagent.metrics.Gauge;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SdpEndpoint;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipUserAgent;
import io.voiceagent.transfer.PersonDialer;
import io.voiceagent.transfer.Transfers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * Places and tracks calls: admission control, the live calls, and the records of every call.
 * In SIP mode a call is our own INVITE; in Exolve HTTP mode it is a MakeCall request whose audio
 * arrives later as an inbound INVITE from the registrar, matched here to its pending call (or to a
 * transfer's pending person leg, {@code ExolvePersonLegs}, placed the same way).
 */
public final class CallManager implements CallService, InboundCallHandler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CallManager.class.getName());

    /** What the manager needs to know of the configuration. */
    /** @param maxEndedCallsInMemory ended calls kept for the API; older ones stay only in the journal */
    /** @param aiConnect when calls open their agent conversation (AI_CONNECT) */
    public record Settings(CallMode mode, int maxConcurrentCalls, int chunkMs, Duration ringTimeout,
                           int maxEndedCallsInMemory, Config.AiConnect aiConnect, Config.Tools tools) {
        public static final int DEFAULT_ENDED_CALLS_IN_MEMORY = 10_000;

        public Settings {
            Objects.requireNonNull(aiConnect, "aiConnect");
            Objects.requireNonNull(tools, "tools");
        }
    }

    private final Settings settings;
    private final SipUserAgent sip;
    private final MediaSessionFactory mediaSessions;
    private final AgentClient agents;
    private final Optional<ExolveApi> exolve;
    private final CallRepository repository;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final RandomGenerator random;
    private final ServiceMetrics metrics;
    private final Instant startedAt;
    private final Transfers transfers;
    /** Exolve HTTP mode: the transfers' person legs, placed with MakeCall; empty in SIP mode. */
    private final Optional<ExolvePersonLegs> personLegs;

    private final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    private final CallJournal journal;
    /** The journal's records at start, until {@link #endInterruptedCalls} has ended those left live. */
    private List<CallRecord> restored;
    private final ReentrantLock admission = new ReentrantLock();
    private final Condition allEnded = admission.newCondition();
    private volatile boolean draining;
    private boolean atLimit;

    /** @param metrics where calls are counted and timed; the live calls, registration and journal gauges are bound here */
    public CallManager(Settings settings, SipUserAgent sip, MediaSessionFactory mediaSessions, AgentClient agents,
                       Optional<ExolveApi> exolve, CallJournal journal, List<CallRecord> restored,
                       ScheduledExecutorService timers, Clock clock, RandomGenerator random, ServiceMetrics metrics) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sip = Objects.requireNonNull(sip, "sip");
        this.mediaSessions = Objects.requireNonNull(mediaSessions, "mediaSessions");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.exolve = Objects.requireNonNull(exolve, "exolve");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.startedAt = clock.instant();
        // A person leg is placed as the service places its calls: MakeCall in HTTP mode, else an INVITE.
        this.personLegs = settings.mode() == CallMode.EXOLVE_HTTP
                ? exolve.map(api -> new ExolvePersonLegs(api, clock)) : Optional.empty();
        PersonDialer dialer = personLegs.<PersonDialer>map(legs -> legs)
                .orElseGet(() -> PersonDialer.throughTrunk(sip, this::sessionId));
        this.transfers = new Transfers(settings.tools().transfer(), dialer, mediaSessions, timers, clock,
                metrics.transfers);
        this.repository = new CallRepository(journal, restored, settings.maxEndedCallsInMemory(), clock);
        this.restored = restored;
        this.journal = journal;
        bindGauges();
    }

    /**
     * Ends the calls the journal shows live when the service stopped ({@code failed}, {@code service_restart}),
     * once: call it after adding the save listeners, so that their {@code call.ended} webhooks and events are
     * made like any call's. Returns how many there were.
     */
    public int endInterruptedCalls() {
        List<CallRecord> recovered = CallJournal.failInterrupted(restored, clock.instant());
        int interrupted = 0;
        for (int i = 0; i < restored.size(); i++) {
            if (restored.get(i) != recovered.get(i)) {
                repository.save(recovered.get(i), true);
                countEnded(recovered.get(i));
                interrupted++;
            }
        }
        restored = List.of();
        if (interrupted > 0) {
            LOG.log(System.Logger.Level.WARNING, interrupted
                    + " call(s) were live when the service stopped; marked failed (service_restart)");
            journal.flush();
        }
        return interrupted;
    }

    @Override
    public Started start(StartCallRequest request, Optional<String> idempotencyKey) throws CallException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        String id = newCallId();
        Admission admission = admit(id, request, idempotencyKey);
        if (admission instanceof Admission.Earlier earlier) {
            // Read outside the admission lock: a live call's snapshot takes its own lock, and a call that
            // ends takes the admission lock while holding its own.
            CallRecord record = find(earlier.callId()).orElseThrow(() -> new CallException(
                    CallException.Reason.UNAVAILABLE, "call " + earlier.callId() + " is being placed; retry"));
            if (!record.request().equals(request)) {
                throw new CallException(CallException.Reason.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was"
                        + " used for call " + record.id() + " with a different request body");
            }
            return new Started(record, false);
        }
        LiveCall call = ((Admission.Admitted) admission).call();
        if (!repository.saveFirst(call.snapshot(), idempotencyKey)) {
            withdraw(call, idempotencyKey);
            throw storageUnavailable();
        }
        metrics.callsStarted.inc();
        LOG.log(System.Logger.Level.INFO, "call=" + id + " stage=dialing number=" + request.phoneNumber()
                + " mode=" + settings.mode().wireName() + " rtp_port=" + call.media().localPort());
        try {
            // A drain may have hung the call up while its first record was being written: then dial nothing.
            if (!call.isEnded()) {
                switch (settings.mode()) {
                    case SIP -> dial(call);
                    case EXOLVE_HTTP -> makeCallThroughExolve(call);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "call=" + id + " could not be started", e);
            call.end(CallEnding.failed(EndCause.INTERNAL_ERROR));
        }
        return new Started(call.snapshot(), true);
    }

    /** What admission decided: a new call to place, or the earlier call an idempotency key names. */
    private sealed interface Admission {
        record Admitted(LiveCall call) implements Admission {
        }

        record Earlier(String callId) implements Admission {
        }
    }

    /**
     * Checks the idempotency key, readiness, the journal and the concurrency limit, then opens the call's
     * media. The key is reserved here, under the admission lock, so two concurrent starts with one key
     * place one call.
     */
    private Admission admit(String id, StartCallRequest request, Optional<String> idempotencyKey)
            throws CallException {
        admission.lock();
        try {
            Optional<String> earlier = idempotencyKey.flatMap(repository::callIdForKey);
            if (earlier.isPresent()) {
                return new Admission.Earlier(earlier.get());
            }
            Optional<CallException> refusal = refusal();
            if (refusal.isPresent()) {
                throw refusal.get();
            }
            if (repository.journalStatus().state() == CallJournal.State.FAILING) {
                throw storageUnavailable();
            }
            if (live.size() >= settings.maxConcurrentCalls()) {
                if (!atLimit) {
                    atLimit = true;
                    LOG.log(System.Logger.Level.WARNING, "call limit reached: " + settings.maxConcurrentCalls()
                            + " live calls (MAX_CONCURRENT_CALLS); new calls get 429");
                }
                throw new CallException(CallException.Reason.TOO_MANY_CALLS, "MAX_CONCURRENT_CALLS ("
                        + settings.maxConcurrentCalls() + ") calls are live; try again when one ends");
            }
            Instant now = clock.instant();
            CallRecord initial = CallRecord.dialing(id, settings.mode(), request, now);
            LiveCall call;
            try {
                call = new LiveCall(initial, mediaSessions, settings.chunkMs(), agents, settings.aiConnect(),
                        settings.tools(), transfers, exolve, timers, clock, repository, this::onEnded, metrics);
            } catch (IOException e) {
                throw new CallException(CallException.Reason.UNAVAILABLE, "no free RTP port: " + e.getMessage());
            }
            live.put(id, call);
            idempotencyKey.ifPresent(key -> repository.reserveKey(key, id, now));
            return new Admission.Admitted(call);
        } finally {
            admission.unlock();
        }
    }

    /** A call whose first record could not be saved: it was never placed, so it leaves no trace. */
    private void withdraw(LiveCall call, Optional<String> idempotencyKey) {
        idempotencyKey.ifPresent(repository::releaseKey);
        call.media().close();
        forget(call);
        LOG.log(System.Logger.Level.WARNING, "call=" + call.id() + " refused: its record could not be written");
    }

    private CallException storageUnavailable() {
        return new CallException(CallException.Reason.STORAGE_UNAVAILABLE, "the call journal in DATA_DIR cannot"
                + " be written (" + repository.journalStatus().error().orElse("write failed")
                + "); no call was placed");
    }

    /** Dials once the RTP socket's STUN mapping is known (at once without SIP_STUN_SERVER). */
    private void dial(LiveCall call) {
        call.media().rtpMapping().thenAccept(mapping -> {
            if (call.isEnded()) {
                return; // hung up while STUN was asked: nothing to dial
            }
            try {
                SdpEndpoint ours = sip.sdpEndpoint(call.media().localPort(), mapping);
                SessionDescription offer = SessionDescription.offer(ours.address(), ours.port(), sessionId());
                LOG.log(System.Logger.Level.INFO, "call=" + call.id() + " stage=invite sdp=" + ours.address() + ":"
                        + ours.port());
                call.attachSip(sip.dial(call.id(), call.snapshot().phoneNumber(), offer, call::onSipEvent));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "call=" + call.id() + " could not be dialled", e);
                call.end(CallEnding.failed(EndCause.INTERNAL_ERROR));
            }
        });
    }

    private void makeCallThroughExolve(LiveCall call) {
        ExolveApi api = exolve.orElseThrow(() -> new IllegalStateException("Exolve HTTP mode without an API client"));
        // The INVITE from Exolve comes only once the callee answers: with AI_CONNECT=ringing, open the
        // agent now so that its greeting is ready then.
        call.connectAgentWhileRinging();
        Thread.ofVirtual().name("exolve-makecall-" + call.id()).start(() -> {
            try {
                String exolveId = api.makeCall(call.snapshot().phoneNumber());
                LOG.log(System.Logger.Level.INFO, "call=" + call.id() + " stage=make_call exolve_call_id=" + exolveId);
                call.onExolveCallPlaced(exolveId);
            } catch (ExolveException e) {
                LOG.log(System.Logger.Level.WARNING, "call=" + call.id() + " MakeCall failed: " + e.getMessage());
                call.end(CallEnding.failed(EndCause.fromWire(e.causeCode())));
            }
        });
        timers.schedule(() -> {
            if (!call.isEnded() && call.snapshot().answeredAt().isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "call=" + call.id() + " not answered within "
                        + settings.ringTimeout().toSeconds() + " s");
                call.end(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.US));
            }
        }, settings.ringTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * An INVITE from the registrar in Exolve HTTP mode: it belongs to the pending leg (a call's, or a
     * transfer's person leg) whose number it names (From, To or P-Asserted-Identity), else to the
     * oldest pending leg.
     */
    @Override
    public Optional<Acceptance> onInvite(InboundInvite invite) {
        List<AwaitedLeg> pending = Stream.concat(
                        live.values().stream().filter(LiveCall::awaitsInboundLeg).map(LiveCall::awaitedLeg),
                        personLegs.stream().flatMap(legs -> legs.awaited().stream()))
                .sorted(Comparator.comparing(AwaitedLeg::placedAt))
                .toList();
        Optional<AwaitedLeg> match = pending.stream()
                .filter(leg -> namesNumber(invite, leg.number()))
                .findFirst()
                .or(() -> pending.stream().findFirst());
        if (match.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "inbound INVITE from " + invite.from() + " to " + invite.to()
                    + " matches no pending call: rejected with 480");
            return Optional.empty();
        }
        AwaitedLeg leg = match.get();
        LOG.log(System.Logger.Level.INFO, "call=" + leg.callId() + " stage=inbound_invite leg=" + leg.leg()
                + " from " + invite.from());
        // The mapping was asked for when the leg was placed, seconds before Exolve's INVITE; no wait here.
        Optional<InetSocketAddress> mapping = leg.media().rtpMapping().toCompletableFuture().getNow(Optional.empty());
        return leg.acceptor().accept(invite, sip.sdpEndpoint(leg.media().localPort(), mapping), sessionId());
    }

    private static boolean namesNumber(InboundInvite invite, String digits) {
        return digitsOf(invite.from()).endsWith(digits) || digitsOf(invite.to()).endsWith(digits)
                || invite.assertedIdentity().map(a -> digitsOf(a).endsWith(digits)).orElse(false);
    }

    private static String digitsOf(String user) {
        return user == null ? "" : user.replaceAll("[^0-9]", "");
    }

    /** A live call's media session (for taps such as recordings); empty once the call has left. */
    public Optional<MediaSession> liveMedia(String callId) {
        return Optional.ofNullable(live.get(callId)).map(LiveCall::media);
    }

    @Override
    public CallRecord hangup(String callId) throws CallException {
        LiveCall call = live.get(callId);
        if (call == null) {
            CallRecord record = repository.find(callId).orElseThrow(
                    () -> new CallException(CallException.Reason.NOT_FOUND, "no call with id " + callId));
            throw new CallException(CallException.Reason.ALREADY_ENDED,
                    "call " + callId + " has already ended (" + record.status().wireName() + ")");
        }
        LOG.log(System.Logger.Level.INFO, "call=" + callId + " hangup requested through the API");
        call.hangup(EndCause.LOCAL_HANGUP);
        return call.snapshot();
    }

    @Override
    public CallRecord sendDtmf(String callId, String digits) throws CallException {
        if (digits == null || !digits.matches("[0-9*#A-Da-dwW]{1,64}")) {
            throw new CallException(CallException.Reason.BAD_REQUEST,
                    "digits: expected 1 to 64 of 0-9, *, #, A-D, w (0.5 s pause), W (1 s pause)");
        }
        LiveCall call = live.get(callId);
        if (call == null) {
            if (repository.find(callId).isEmpty()) {
                throw new CallException(CallException.Reason.NOT_FOUND, "no call with id " + callId);
            }
            throw new CallException(CallException.Reason.ALREADY_ENDED, "call " + callId + " has already ended");
        }
        if (call.snapshot().status() != CallStatus.ANSWERED) {
            throw new CallException(CallException.Reason.INVALID_STATE, "DTMF can be sent once the call is answered");
        }
        // A and D are case-insensitive digits; w and W are different pauses.
        call.pressKeys(digits.replace('a', 'A').replace('b', 'B').replace('c', 'C').replace('d', 'D'));
        return call.snapshot();
    }

    @Override
    public CallRecord transfer(String callId, String digits) throws CallException {
        LiveCall call = live.get(callId);
        if (call == null) {
            if (repository.find(callId).isEmpty()) {
                throw new CallException(CallException.Reason.NOT_FOUND, "no call with id " + callId);
            }
            throw new CallException(CallException.Reason.ALREADY_ENDED, "call " + callId + " has already ended");
        }
        Optional<String> refusal = call.transferTo(digits);
        if (refusal.isPresent()) {
            throw new CallException(CallException.Reason.INVALID_STATE, "cannot transfer: " + refusal.get());
        }
        LOG.log(System.Logger.Level.INFO, "call=" + callId + " transfer to " + digits + " requested through the API");
        return call.snapshot();
    }

    /** Feeds {@code events} every record saved from now on (the dashboard's live stream). */
    public void publishTo(CallEvents events) {
        onSaved(events::onSaved);
    }

    /**
     * Tells {@code listener} (besides those added before) of every record saved from now on, on the saving
     * thread: a call's first record before it is dialed, every later one under the live call's lock.
     */
    public void onSaved(java.util.function.Consumer<CallRecord> listener) {
        repository.onSaved(listener);
    }

    /** A live call's record carries its media session's figures as they are now; they are stored when it ends. */
    @Override
    public Optional<CallRecord> find(String callId) {
        LiveCall call = live.get(callId);
        return call != null ? Optional.of(call.snapshot().withMedia(call.media().stats())) : repository.find(callId);
    }

    @Override
    public List<CallRecord> list(Optional<CallStatus> status, int limit) {
        return repository.list(status, limit);
    }

    @Override
    public WebhookOutcome onExolveEvent(ExolveEvent event) {
        Optional<String> exolveId = event.callId().or(event::callSid);
        Optional<ExolvePersonLegs.Leg> personLeg = exolveId.flatMap(
                id -> personLegs.flatMap(legs -> legs.byExolveCallId(id)));
        if (personLeg.isPresent()) {
            return onPersonLegEvent(personLeg.get(), event);
        }
        Optional<CallRecord> record = exolveId.flatMap(repository::findByExolveCallId);
        if (record.isEmpty()) {
            return WebhookOutcome.UNKNOWN_CALL; // the webhook logs it with both ids
        }
        LiveCall call = live.get(record.get().id());
        if (call != null) {
            return call.onProviderEvent(event) ? WebhookOutcome.APPLIED : WebhookOutcome.DUPLICATE;
        }
        Optional<CallRecord> withEvent = record.get().withNewEvent(event.fields());
        withEvent.ifPresent(r -> repository.save(r, false));
        return withEvent.isPresent() ? WebhookOutcome.APPLIED : WebhookOutcome.DUPLICATE;
    }

    /** An event for a transfer's person leg: kept on its call's record, once, and handed to the leg. */
    private WebhookOutcome onPersonLegEvent(ExolvePersonLegs.Leg leg, ExolveEvent event) {
        LiveCall call = live.get(leg.callId());
        if (call == null) {
            return WebhookOutcome.UNKNOWN_CALL; // the call ended as the event came
        }
        if (!call.recordPersonLegEvent(event)) {
            return WebhookOutcome.DUPLICATE;
        }
        leg.onEvent(event);
        return WebhookOutcome.APPLIED;
    }

    @Override
    public Health health() {
        CallJournal.Status journal = repository.journalStatus();
        Optional<String> reason = refusal().map(CallException::getMessage)
                .or(() -> journal.state() == CallJournal.State.FAILING
                        ? Optional.of("the call journal cannot be written: " + journal.error().orElse("write failed"))
                        : Optional.empty());
        return new Health(reason.isEmpty(), registrationName(), live.size(),
                Duration.between(startedAt, clock.instant()).toSeconds(), reason, sip.addressWarning(), journal,
                agents.reachability());
    }

    private String registrationName() {
        return sip.registration().state().wireName();
    }

    /**
     * Why no call can be placed now. Both modes need the registration: in SIP mode for our INVITE
     * to be accepted, in Exolve HTTP mode for the carrier's leg to reach us.
     */
    private Optional<CallException> refusal() {
        if (draining) {
            return Optional.of(new CallException(CallException.Reason.UNAVAILABLE, "shutting down"));
        }
        RegistrationStatus registration = sip.registration();
        if (registration.state() != RegistrationStatus.State.REGISTERED) {
            return Optional.of(new CallException(CallException.Reason.NOT_REGISTERED, "SIP registration is "
                    + registration.state().wireName() + registration.detail().map(d -> ": " + d).orElse("")));
        }
        return Optional.empty();
    }

    /**
     * The gauges are read at scrape time from what is live now: the calls (each one's status under its
     * own short lock, never under the admission lock), the registration, the journal. A call that ends
     * during a scrape is either still counted or gone, never an error.
     */
    private void bindGauges() {
        metrics.liveCalls.sampledBy(sink -> {
            Map<CallStatus, Integer> byStatus = new EnumMap<>(CallStatus.class);
            for (LiveCall call : live.values()) {
                byStatus.merge(call.snapshot().status(), 1, Integer::sum);
            }
            for (CallStatus status : CallStatus.values()) {
                if (!status.isFinal()) {
                    sink.set(byStatus.getOrDefault(status, 0), status.wireName());
                }
            }
        });
        metrics.sipRegistration.sampledBy(sink -> {
            RegistrationStatus.State current = sip.registration().state();
            for (RegistrationStatus.State state : RegistrationStatus.State.values()) {
                sink.set(state == current ? 1 : 0, state.wireName());
            }
        });
        metrics.journalState.sampledBy(sink -> {
            CallJournal.State current = repository.journalStatus().state();
            for (CallJournal.State state : CallJournal.State.values()) {
                sink.set(state == current ? 1 : 0, state.wireName());
            }
        });
        metrics.journalWriteErrors.countedBy(() -> repository.journalStatus().writeErrors());
        bindMeanOfLiveCalls(metrics.rtpJitter, s -> s.jitterMs() / 1000);
        bindMeanOfLiveCalls(metrics.rtcpRoundTrip, s -> s.farEnd().roundTripMs() / 1000);
        bindMeanOfLiveCalls(metrics.farEndFractionLost, s -> s.farEnd().fractionLost());
        bindMeanOfLiveCalls(metrics.farEndJitter, s -> s.farEnd().jitterMs() / 1000);
    }

    /** The mean of a media figure over the live calls that know it (not NaN), 0 when none does. */
    private void bindMeanOfLiveCalls(Gauge gauge, java.util.function.ToDoubleFunction<MediaStats> figure) {
        gauge.sampledBy(sink -> sink.set(live.values().stream().map(call -> call.media().stats())
                .mapToDouble(figure).filter(Double::isFinite).average().orElse(0)));
    }

    @Override
    public Optional<Map<String, Object>> mediaDebug(String callId) {
        LiveCall call = live.get(callId);
        return call == null ? Optional.empty() : Optional.of(call.debug());
    }

    @Override
    public void drain(Duration timeout) {
        draining = true;
        List<LiveCall> calls = List.copyOf(live.values());
        if (!calls.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "draining: hanging up " + calls.size() + " live call(s)");
        }
        for (LiveCall call : calls) {
            call.hangup(EndCause.SHUTDOWN);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        admission.lock();
        try {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !allEnded.await(left, TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admission.unlock();
        }
    }

    /** A call reached its final state: counted, timed, then forgotten. */
    private void onEnded(LiveCall call) {
        CallRecord ended = call.snapshot();
        countEnded(ended);
        ended.answeredAt().ifPresent(answered -> metrics.callDuration.observe(ended.duration(clock.instant())));
        forget(call);
    }

    /** Counts a call that has just reached its final state (a live call's end, or one a restart interrupted). */
    private void countEnded(CallRecord ended) {
        metrics.callsEnded.labels(ended.status().wireName(),
                ended.ending().map(e -> e.cause().wireName()).orElse(EndCause.UNKNOWN.wireName())).inc();
    }

    private void forget(LiveCall call) {
        admission.lock();
        try {
            live.remove(call.id());
            personLegs.ifPresent(legs -> legs.forget(call.id()));
            if (atLimit && live.size() < settings.maxConcurrentCalls()) {
                atLimit = false;
                LOG.log(System.Logger.Level.INFO, "call limit cleared: " + live.size() + " live calls");
            }
            if (live.isEmpty()) {
                allEnded.signalAll();
            }
        } finally {
            admission.unlock();
        }
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(5));
    }

    private String newCallId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return "c_" + HexFormat.of().formatHex(bytes);
    }

    private long sessionId() {
        return Math.abs(random.nextLong() % 1_000_000_000_000L) + 1;
    }
}
