package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the agent's side ends a call: end_call in both forms, close codes and error events, with what goes on the record. */
class AgentEndingsTest {
    private static final SessionDescription PCMU_ANSWER = CallTestDoubles.answer(SessionDescription.PCMU);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallManager calls;
    private String callId;
    private AgentListener agent;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CallTestDoubles.Calls(dataDir, clock, CallTestDoubles.settings());
        sip = fixture.sip;
        media = fixture.media;
        calls = fixture.manager;
        CallTestDoubles.RingingCall ringing = fixture.ringingCall(new CallTestDoubles.Conversation());
        callId = ringing.id();
        agent = ringing.agent();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void answer() {
        sip.dialed.getFirst().listener().onEvent(new SipCallEvent.Answered(PCMU_ANSWER));
    }

    private CallRecord record() {
        return calls.find(callId).orElseThrow();
    }

    @Test
    void theEndCallSystemToolPlaysTheGoodbyeOutThenHangsUp() {
        answer();
        agent.onEvent(new AgentEvent.Audio(new byte[160], 4));
        agent.onEvent(new AgentEvent.EndCallRequested());
        agent.onEvent(new AgentEvent.Closed(1000, ""));
        assertThat(record().status()).as("the goodbye is still queued").isEqualTo(CallStatus.ANSWERED);

        media.opened.getFirst().drain();

        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.AGENT_END_CALL);
        assertThat(ended.ending().map(CallEnding::by)).contains(EndedBy.AGENT);
        assertThat(sip.dialed.getFirst().call().hangups).isEqualTo(1);
        assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("close_code", 1000));
    }

    @Test
    void anErrorEventFailsTheCallWithItsTypeAndMessageOnTheRecord() {
        answer();
        agent.onEvent(new AgentEvent.ServerError(OptionalInt.of(1008), Optional.of("missing_dynamic_variable"),
                "Missing required dynamic variables: client_name"));
        agent.onEvent(new AgentEvent.Closed(1008, "Missing required dynamic variables"));

        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.FAILED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.AI_REJECTED);
        assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("source", "ai")
                .containsEntry("error_code", 1008).containsEntry("error_type", "missing_dynamic_variable")
                .containsEntry("message", "Missing required dynamic variables: client_name"));
    }

    @Test
    void anInternalErrorCloseFailsTheCallWithTheCodeAndReason() {
        answer();
        agent.onEvent(new AgentEvent.Closed(1011, "Internal error"));

        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.FAILED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.AI_SERVER_ERROR);
        assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("close_code", 1011)
                .containsEntry("reason", "Internal error"));
    }

    @Test
    void aPolicyCloseWithoutAnErrorEventFailsAnAnsweredCall() {
        answer();
        agent.onEvent(new AgentEvent.Closed(1008, "Override for field 'prompt' is not allowed by config."));

        assertThat(record().ending())
                .contains(new CallEnding(CallStatus.FAILED, EndCause.AI_REJECTED, EndedBy.AGENT));
        assertThat(sip.dialed.getFirst().call().hangups).isEqualTo(1);
    }

    @Test
    void anErrorEventWithoutACodeFailsAnAnsweredCall() {
        answer();
        agent.onEvent(new AgentEvent.ServerError(OptionalInt.empty(), Optional.of("llm_error"), "LLM failed"));

        assertThat(record().ending())
                .contains(new CallEnding(CallStatus.FAILED, EndCause.AI_OPERATIONAL_ERROR, EndedBy.AGENT));
    }

    @Test
    void theNoInputTimeoutIsToldApartFromOther1002s() {
        answer();
        agent.onEvent(new AgentEvent.ServerError(OptionalInt.of(1002), Optional.of("transport_receive_timeout"),
                "No user input received for 60 seconds"));

        CallRecord ended = record();
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.AI_INPUT_TIMEOUT);
        assertThat(ended.status()).as("a silent callee on an answered call").isEqualTo(CallStatus.COMPLETED);
    }

    @Test
    void another1002IsAnOperationalFailure() {
        answer();
        agent.onEvent(new AgentEvent.Closed(1002, "LLM took too long to respond"));

        assertThat(record().ending().map(CallEnding::cause)).contains(EndCause.AI_OPERATIONAL_ERROR);
        assertThat(record().status()).isEqualTo(CallStatus.FAILED);
    }

    @Test
    void aLostConnectionFailsTheCall() {
        answer();
        agent.onEvent(new AgentEvent.Closed(1006, "connection lost"));

        assertThat(record().ending().map(CallEnding::cause)).contains(EndCause.AI_CONNECTION_LOST);
        assertThat(record().status()).isEqualTo(CallStatus.FAILED);
    }

    @Test
    void aFarEndWithoutOurCodecEndsTheCallWithoutAMediaThreadWaitingForTheCall() throws Exception {
        CallTestDoubles.Media m = media.opened.getFirst();
        // Closing media waits for the RTP receiver thread; that thread delivers a DTMF digit meanwhile.
        m.onClose = () -> {
            Thread receiver = Thread.ofPlatform().start(() -> {
                m.listener.onDtmf('7');
                m.listener.onFirstPacket();
            });
            try {
                receiver.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            m.receiverStuck = receiver.isAlive();
        };
        SessionDescription noCodec = new SessionDescription("exolve", 1, 1, "127.0.0.2", 40000,
                List.of(new SessionDescription.Format(18, "G729", 8000, Optional.empty())), 20, SessionDescription.Direction.SENDRECV);

        sip.dialed.getFirst().listener().onEvent(new SipCallEvent.Answered(noCodec));

        assertThat(m.receiverStuck).isFalse();
        assertThat(record().ending().map(CallEnding::cause)).contains(EndCause.CODEC_MISMATCH);
    }
}
