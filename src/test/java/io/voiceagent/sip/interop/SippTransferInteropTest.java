package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.LOGIN;
import static io.voiceagent.sip.interop.UserAgentUnderTest.PASSWORD;
import static io.voiceagent.sip.interop.UserAgentUnderTest.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.call.CallEnding;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import io.voiceagent.config.Config;
import io.voiceagent.transfer.TransferOutcome;
import io.voiceagent.transfer.TransferSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer to a person in bridge mode, end to end: the call layer with real SIP and media, sipp as
 * the carrier that plays both the customer and the person ({@code transfer-legs.xml}, by the number
 * dialled), and each phone's RTP at a socket of the test that speaks a tone of its own. An answered
 * transfer relays each side's tone to the other (PCMA customer, PCMU person) and ends both legs
 * together; a busy or silent person gives the caller back to the agent, which is told why.
 */
@Tag("slow")
@Timeout(90)
class SippTransferInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CUSTOMER_HZ = 1000;
    private static final int PERSON_HZ = 600;
    private static final Config.Tools TOOLS = tools(Config.TransferMode.BRIDGE, Duration.ofSeconds(3));

    @TempDir
    Path dir;

    private final ScriptedAgent agent = new ScriptedAgent();

    @Test
    void anAnsweredTransferRelaysAudioBothWaysAndEndsBothLegsTogether() throws Exception {
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = carrier(customer, person, 3);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, TOOLS)) {
            String id = answeredCall(service);
            playUntilTheEnd(service, id, customer, person);

            agent.say(transferCall("tc_1", "+7 999 000-07-77"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result.isError()).as(result.toString()).isFalse();
            assertThat(result.result()).contains("79990000777 answered");
            awaitTrue(() -> person.packetsWithTone(CUSTOMER_HZ) >= 25, "the person hears the customer's tone");
            awaitTrue(() -> customer.packetsWithTone(PERSON_HZ) >= 25, "the customer hears the person's tone");
            assertThat(agent.closed).as("the agent's conversation is closed").isTrue();
            TransferSummary live = service.record(id).transfer().orElseThrow();
            assertThat(live.outcome()).isEqualTo(TransferOutcome.ANSWERED);
            assertThat(live.mode()).isEqualTo(Config.TransferMode.BRIDGE);
            assertThat(live.requestedBy()).isEqualTo("tool");
            assertThat(live.answeredAt()).isPresent();

            service.calls.hangup(id);
            CallRecord ended = service.awaitEnd(id);
            service.closeUserAgent();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
            TransferSummary done = ended.transfer().orElseThrow();
            assertThat(done.target()).isEqualTo("79990000777");
            assertThat(done.agentSeconds()).isPresent();
            assertThat(done.personSeconds()).hasValueSatisfying(s -> assertThat(s).isPositive());
        }
    }

    @Test
    void whenThePersonHangsUpTheCustomerIsHungUpToo() throws Exception {
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = carrier(customer, person, 3);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, TOOLS)) {
            String id = answeredCall(service);
            playUntilTheEnd(service, id, customer);

            CallRecord started = service.calls.transfer(id, "79990000778");
            assertThat(started.transfer()).hasValueSatisfying(t -> assertThat(t.requestedBy()).isEqualTo("api"));

            CallRecord ended = service.awaitEnd(id);
            service.closeUserAgent();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
            assertThat(ended.ending().map(CallEnding::by)).contains(EndedBy.REMOTE);
            assertThat(ended.transfer()).hasValueSatisfying(t -> assertThat(t.outcome())
                    .isEqualTo(TransferOutcome.ANSWERED));
        }
    }

    @Test
    void aBusyPersonGivesTheCallerBackToTheAgentWhichIsToldWhy() throws Exception {
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = carrier(customer, person, 3);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, TOOLS)) {
            String id = answeredCall(service);
            playUntilTheEnd(service, id, customer);

            agent.say(transferCall("tc_busy", "+79990000486"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result.isError()).isTrue();
            assertThat(result.result()).contains("busy").contains("486");
            awaitTrue(() -> agent.contextualUpdates.stream().anyMatch(u -> u.contains("busy (486 Busy Here)")
                    && u.contains("The caller is back with you")), "the agent told why");
            TransferSummary failed = service.record(id).transfer().orElseThrow();
            assertThat(failed.outcome()).isEqualTo(TransferOutcome.BUSY);
            assertThat(service.record(id).status()).isEqualTo(CallStatus.ANSWERED);
            long heard = agent.userAudioChunks.get();
            awaitTrue(() -> agent.userAudioChunks.get() > heard + 10, "the agent hears the caller again");

            CallRecord ended = service.hangUp(sipp, id);
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.LOCAL_HANGUP);
            assertThat(ended.transfer()).hasValueSatisfying(t -> {
                assertThat(t.outcome()).isEqualTo(TransferOutcome.BUSY);
                assertThat(t.personSeconds()).isEmpty();
            });
        }
    }

    @Test
    void aPersonWhoDoesNotAnswerIsCancelledAfterTheRingTimeoutAndTheCallerHeardRingback() throws Exception {
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = carrier(customer, person, 3);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, TOOLS)) {
            String id = answeredCall(service);
            customer.play(new short[0], () -> service.record(id).status().isFinal(), () -> service.rtpPort(id));

            agent.say(transferCall("tc_silent", "+79990000408"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result.isError()).isTrue();
            assertThat(result.result()).contains("nobody answered within 3 s");
            assertThat(customer.packetsWithTone(425)).as("ringback packets heard by the caller").isPositive();
            assertThat(service.record(id).transfer()).hasValueSatisfying(t -> assertThat(t.outcome())
                    .isEqualTo(TransferOutcome.NO_ANSWER));
            awaitTrue(() -> agent.contextualUpdates.stream().anyMatch(u -> u.contains("nobody answered")),
                    "the agent told why");

            CallRecord ended = service.hangUp(sipp, id);
            assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
        }
    }

    @Test
    void anAcceptedReferHandsTheCallOverAndEndsOurPart() throws Exception {
        Config.Tools refer = tools(Config.TransferMode.REFER, Duration.ofSeconds(10));
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = carrier(customer, person, 2);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, refer)) {
            String id = answeredCall(service);

            agent.say(transferCall("tc_refer", "+79990000777"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result).isEqualTo(new ScriptedAgent.ToolResult("tc_refer",
                    "Transferred: the call was handed to 79990000777.", false));
            CallRecord ended = service.awaitEnd(id);
            service.closeUserAgent();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
            assertThat(ended.transfer()).hasValueSatisfying(t -> {
                assertThat(t.mode()).isEqualTo(Config.TransferMode.REFER);
                assertThat(t.outcome()).isEqualTo(TransferOutcome.REFERRED);
                assertThat(t.answeredAt()).isPresent();
                assertThat(t.personSeconds()).as("the person talks on the far end's side").isEmpty();
            });
            assertThat(agent.closed).isTrue();
        }
    }

    @Test
    void anAcceptedReferPassesThroughKamailioBothWays() throws Exception {
        Config.Tools refer = tools(Config.TransferMode.REFER, Duration.ofSeconds(10));
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = SippProcess.uas("transfer-legs.xml")
                     .key("customer_rtp_port", Integer.toString(customer.port()))
                     .key("person_rtp_port", Integer.toString(person.port()))
                     .calls(1).timeout(Duration.ofSeconds(60)).start(dir);
             KamailioProcess kamailio = KamailioProcess.start(dir, REALM, PASSWORD, sipp.port());
             CallLayerUnderTest service = new CallLayerUnderTest(kamailio.port(), dir.resolve("data"), WAIT, agent,
                     refer)) {
            String id = answeredCall(service);

            agent.say(transferCall("tc_refer", "+79990000777"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result.isError()).as(result + kamailio.log()).isFalse();
            CallRecord ended = service.awaitEnd(id);
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
            assertThat(ended.transfer()).hasValueSatisfying(t -> assertThat(t.outcome())
                    .isEqualTo(TransferOutcome.REFERRED));
            String relayed = kamailio.log();
            assertThat(relayed).as("kamailio relayed our REFER").contains("REFER sip:");
            assertThat(relayed.split("NOTIFY sip:", -1)).as("kamailio relayed both NOTIFYs" + relayed).hasSize(3);
        }
    }

    @Test
    void aDeclinedReferFallsBackToBridgingThePerson() throws Exception {
        Config.Tools refer = tools(Config.TransferMode.REFER, Duration.ofSeconds(10));
        try (RtpEndpoint customer = new RtpEndpoint("127.0.0.1");
             RtpEndpoint person = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = carrier(customer, person, 3);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, refer)) {
            String id = answeredCall(service);
            playUntilTheEnd(service, id, customer, person);

            agent.say(transferCall("tc_declined", "+79990000603"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result.isError()).as(result.toString()).isFalse();
            awaitTrue(() -> customer.packetsWithTone(PERSON_HZ) >= 25, "the customer hears the person's tone");
            assertThat(service.record(id).transfer()).hasValueSatisfying(t -> {
                assertThat(t.mode()).isEqualTo(Config.TransferMode.BRIDGE);
                assertThat(t.referFailure()).hasValueSatisfying(f -> assertThat(f).contains("603"));
                assertThat(t.outcome()).isEqualTo(TransferOutcome.ANSWERED);
            });

            CallRecord ended = service.hangUp(sipp, id);
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
        }
    }

    private SippProcess carrier(RtpEndpoint customer, RtpEndpoint person, int calls) throws InterruptedException {
        return SippProcess.uas("transfer-legs.xml")
                .key("auth_realm", REALM).key("auth_user", LOGIN).key("auth_password", PASSWORD)
                .key("customer_rtp_port", Integer.toString(customer.port()))
                .key("person_rtp_port", Integer.toString(person.port()))
                .calls(calls).timeout(Duration.ofSeconds(60)).start(dir);
    }

    private static Config.Tools tools(Config.TransferMode mode, Duration ringTimeout) {
        return new Config.Tools(Config.VoicemailAction.HANGUP, Config.Amd.DEFAULTS,
                new Config.Transfer(mode, ringTimeout));
    }

    /** The customer sends its tone to the call's RTP port until the call has ended. */
    private static void playUntilTheEnd(CallLayerUnderTest service, String id, RtpEndpoint customer) {
        customer.play(RtpEndpoint.tone(CUSTOMER_HZ, 8000, 60_000), () -> service.record(id).status().isFinal(),
                () -> service.rtpPort(id));
    }

    /** The customer's tone as above, and the person's tone back to wherever its leg sends from. */
    private static void playUntilTheEnd(CallLayerUnderTest service, String id, RtpEndpoint customer,
                                        RtpEndpoint person) {
        playUntilTheEnd(service, id, customer);
        person.play(RtpEndpoint.tone(PERSON_HZ, 8000, 60_000), 0, () -> service.record(id).status().isFinal(),
                person::sourcePort);
    }

    private static AgentEvent.ToolCall transferCall(String id, String number) {
        return new AgentEvent.ToolCall("transfer_call", id, Map.of("phone_number", number),
                AgentEvent.ToolSource.CLIENT);
    }

    private static String answeredCall(CallLayerUnderTest service) throws Exception {
        String id = service.dial();
        awaitTrue(() -> service.record(id).answeredAt().isPresent() && service.record(id).conversationId().isPresent(),
                "answered, agent connected");
        return id;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
