package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Config;
import io.voiceagent.exolve.ExolveApi;
import io.voiceagent.exolve.ExolveEvent;
import io.voiceagent.exolve.ExolveException;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import io.voiceagent.transfer.TransferOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer in Exolve HTTP mode, against stand-ins: the person's leg is a MakeCall, its inbound INVITE
 * is matched to that leg (not to a call), Exolve's webhooks for its call id reach the transfer, and
 * a leg given up before its INVITE is hung up at Exolve.
 */
class ExolvePersonLegTest {
    private static final String CUSTOMER = "79990001122";
    private static final String PERSON = "79990000777";
    private static final SessionDescription OFFER = SessionDescription.offer("127.0.0.3", 30000, 9);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final CallTestDoubles.Sip sip = new CallTestDoubles.Sip();
    private final CallTestDoubles.MediaFactory media = new CallTestDoubles.MediaFactory();
    private final CallTestDoubles.Agents agents = new CallTestDoubles.Agents();
    private final CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Exolve exolve = new Exolve();
    private CallJournal journal;
    private CallManager calls;
    private String callId;
    private CallTestDoubles.Sip.Call customerLeg;

    /** An answered call in HTTP mode, its agent up: MakeCall, then its INVITE, answered and ACKed. */
    @BeforeEach
    void answeredCall() throws Exception {
        journal = CallJournal.open(dataDir).journal();
        Config.Tools tools = new Config.Tools(Config.VoicemailAction.HANGUP, Config.Amd.DEFAULTS,
                new Config.Transfer(Config.TransferMode.BRIDGE, Duration.ofSeconds(30)));
        calls = new CallManager(new CallManager.Settings(CallMode.EXOLVE_HTTP, 2, 20, Duration.ofSeconds(60), 3,
                Config.AiConnect.RINGING, tools), sip, media, agents, Optional.of(exolve), journal, List.of(), timers,
                clock, new SplittableRandom(7), new ServiceMetrics());
        callId = TestCalls.start(calls, TestCalls.request(CUSTOMER)).id();
        await(() -> calls.find(callId).orElseThrow().exolveCallId().isPresent());
        agents.pending.getFirst().future().complete(conversation);
        customerLeg = new CallTestDoubles.Sip.Call("inbound-customer");
        invite(customerLeg, CUSTOMER).orElseThrow().listener().onEvent(new SipCallEvent.Answered(OFFER));
        assertThat(record().status()).isEqualTo(CallStatus.ANSWERED);
    }

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
        if (journal != null) {
            journal.close();
        }
    }

    @Test
    void thePersonIsPlacedWithMakeCallAndTheirInviteIsAnsweredOnTheirLegAndBridged() throws Exception {
        calls.transfer(callId, PERSON);

        await(() -> exolve.placed.size() == 2);
        assertThat(exolve.placed).containsExactly(CUSTOMER, PERSON);
        assertThat(sip.dialed).as("no INVITE of ours in HTTP mode").isEmpty();
        CallTestDoubles.Sip.Call personLeg = new CallTestDoubles.Sip.Call("inbound-person");
        Optional<InboundCallHandler.Acceptance> accepted = invite(personLeg, PERSON);

        assertThat(accepted).isPresent();
        assertThat(accepted.get().callId()).as("logged under the customer's call").isEqualTo(callId);
        assertThat(record().transfer().orElseThrow().outcome()).isEqualTo(TransferOutcome.RINGING);
        accepted.get().listener().onEvent(new SipCallEvent.Answered(OFFER));

        assertThat(record().transfer().orElseThrow().outcome()).isEqualTo(TransferOutcome.ANSWERED);
        assertThat(record().sipCallId()).as("the call keeps its own leg").contains("inbound-customer");
        assertThat(person().answered).isTrue();
        assertThat(person().remote).as("the person's media goes where their INVITE's SDP says").isNotNull();
        byte[] callerSays = {1, 2, 3};
        customer().listener.onUserAudio(callerSays);
        assertThat(person().agentAudio).containsExactly(callerSays);
        byte[] personSays = {4, 5, 6};
        person().listener.onUserAudio(personSays);
        assertThat(customer().agentAudio).containsExactly(personSays);

        accepted.get().listener().onEvent(new SipCallEvent.RemoteHangup());

        assertThat(record().ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
        assertThat(customerLeg.hangups).as("the caller gets BYE").isEqualTo(1);
        assertThat(exolve.hungUp).as("both legs were up: BYE, not Exolve, hangs them up").isEmpty();
    }

    @Test
    void aBusyPersonReportedByWebhookBeforeAnyInviteGivesTheCallerBackToTheAgent() throws Exception {
        calls.transfer(callId, PERSON);
        await(() -> calls.onExolveEvent(event("exo-2", "b", Map.of())) == CallService.WebhookOutcome.APPLIED);

        ExolveEvent busy = event("exo-2", "d", Map.of("cause_code", 17));
        assertThat(calls.onExolveEvent(busy)).isEqualTo(CallService.WebhookOutcome.APPLIED);

        assertThat(record().transfer().orElseThrow().outcome()).isEqualTo(TransferOutcome.BUSY);
        assertThat(record().status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(conversation.contextualUpdates).last().asString().contains("did not go through: busy")
                .contains("The caller is back with you");
        assertThat(person().closed).isTrue();
        assertThat(calls.onExolveEvent(busy)).isEqualTo(CallService.WebhookOutcome.DUPLICATE);
        assertThat(record().events().stream().filter(e -> "person".equals(e.get("leg"))).map(e -> e.get("type")))
                .containsExactly("b", "d");
        assertThat(exolve.hungUp).as("Exolve ended that leg itself").isEmpty();
        customer().listener.onUserAudio(new byte[160]);
        assertThat(conversation.userAudio).as("the agent hears the caller again").hasSize(1);
        assertThat(invite(new CallTestDoubles.Sip.Call("late"), PERSON)).as("no leg waits for it").isEmpty();
        assertThat(record().status()).isEqualTo(CallStatus.ANSWERED);
    }

    @Test
    void aFailedMakeCallFailsTheAttempt() throws Exception {
        exolve.refuse.set(true);

        calls.transfer(callId, PERSON);

        await(() -> record().transfer().orElseThrow().outcome() != TransferOutcome.RINGING);
        assertThat(record().transfer().orElseThrow().outcome()).isEqualTo(TransferOutcome.FAILED);
        assertThat(record().transfer().orElseThrow().reason()).hasValueSatisfying(
                r -> assertThat(r).contains("credentials"));
        assertThat(record().status()).isEqualTo(CallStatus.ANSWERED);
    }

    @Test
    void theCallerHangingUpWhileThePersonRingsHangsTheirLegUpAtExolve() throws Exception {
        calls.transfer(callId, PERSON);
        await(() -> calls.onExolveEvent(event("exo-2", "b", Map.of())) == CallService.WebhookOutcome.APPLIED);

        calls.hangup(callId);

        await(() -> exolve.hungUp.contains("exo-2"));
        assertThat(exolve.hungUp).containsExactly("exo-2");
        assertThat(record().transfer().orElseThrow().outcome()).isEqualTo(TransferOutcome.CANCELED);
        assertThat(invite(new CallTestDoubles.Sip.Call("late"), PERSON)).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private Optional<InboundCallHandler.Acceptance> invite(CallTestDoubles.Sip.Call leg, String from) {
        return calls.onInvite(new InboundCallHandler.InboundInvite(leg, from, "sipuser", Optional.empty(), OFFER));
    }

    private static ExolveEvent event(String exolveCallId, String type, Map<String, Object> more) {
        Map<String, Object> body = new HashMap<>(more);
        body.put("call_id", exolveCallId);
        body.put("type", type);
        return ExolveEvent.parse(body);
    }

    private CallRecord record() {
        return calls.find(callId).orElseThrow();
    }

    private CallTestDoubles.Media customer() {
        return media.opened.get(0);
    }

    private CallTestDoubles.Media person() {
        return media.opened.get(1);
    }

    /** MakeCall and Exolve hang-ups run on virtual threads of their own. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean met = condition.getAsBoolean();
        while (!met && System.nanoTime() < deadline) {
            Thread.sleep(5);
            met = condition.getAsBoolean();
        }
        assertThat(met).as("in time").isTrue();
    }

    /** Exolve's API: each MakeCall is "exo-N", in order; a refused key fails the next ones. */
    private static final class Exolve implements ExolveApi {
        final List<String> placed = new CopyOnWriteArrayList<>();
        final List<String> hungUp = new CopyOnWriteArrayList<>();
        final AtomicBoolean refuse = new AtomicBoolean();
        private final AtomicInteger ids = new AtomicInteger();

        @Override
        public String makeCall(String destinationDigits) throws ExolveException {
            if (refuse.get()) {
                throw new ExolveException(ExolveException.Failure.PROVIDER_AUTH, "Exolve refused EXOLVE_API_KEY (401)");
            }
            placed.add(destinationDigits);
            return "exo-" + ids.incrementAndGet();
        }

        @Override
        public void hangup(String exolveCallId) {
            hungUp.add(exolveCallId);
        }

        @Override
        public Map<String, Object> check() {
            return Map.of();
        }
    }
}
