package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dialog's log lines start with {@code call=<our call id>}, where app.Logging takes the call from, so
 * one grep follows a call through its SIP lines too: outbound from the dial, inbound from the acceptance.
 */
class DialogLogContextTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger sip = Logger.getLogger("io.voiceagent.sip");
    private Level level;
    private final FakeStack stack = new FakeStack(Duration.ofSeconds(60));
    private final List<SipCallEvent> events = new ArrayList<>();

    @BeforeEach
    void capture() {
        level = sip.getLevel();
        sip.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        sip.addHandler(capture);
    }

    @AfterEach
    void release() {
        sip.removeHandler(capture);
        sip.setLevel(level);
    }

    @Test
    void anOutboundDialogsLinesCarryTheCallItWasDialledFor() {
        CallSession call = CallSession.outbound(stack, "call-1@test", "c_out", "79161234567",
                SessionDescription.offer("192.0.2.10", 30000, 1), events::add);
        call.dial();
        SipMessage.Request invite = stack.lastRequest("INVITE");

        stack.deliver(FakeStack.answer(invite, 183, "v=0 this is not SDP"));
        stack.deliver(PrackSenderTest.reliable(invite, 180, 1, ""));
        stack.deliver(PrackSenderTest.reliable(invite, 180, 3, ""));

        assertThat(lines).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line).startsWith("call=c_out call-1@test: "));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("early-media SDP"))
                .anySatisfy(line -> assertThat(line).contains("RSeq 3 after 1"));
    }

    @Test
    void anInboundDialogsLinesCarryTheCallThatAcceptedIt() {
        SipMessage.Request invite = InboundCallTest.invite("", "", OutboundCallTest.ANSWER_SDP);
        List<ServerTransaction> ackTimeouts = new ArrayList<>();
        ServerTransaction tx = stack.serverTransaction(invite, ackTimeouts::add);
        CallSession call = CallSession.inbound(stack, invite);
        call.answerInbound(invite, tx, i -> Optional.of(new InboundCallHandler.Acceptance("c_in",
                SessionDescription.offer("192.0.2.10", 30004, 9), events::add)));

        call.onAckTimeout(tx);

        assertThat(lines).singleElement()
                .satisfies(line -> assertThat(line).startsWith("call=c_in inbound-1: ").contains("no ACK"));
    }

    @Test
    void aDialogNoCallTookIsNamedByItsCallIdAlone() {
        SipMessage.Request invite = InboundCallTest.invite("", "", OutboundCallTest.ANSWER_SDP);
        ServerTransaction tx = stack.serverTransaction(invite, t -> { });

        CallSession.inbound(stack, invite).answerInbound(invite, tx, i -> Optional.empty());

        assertThat(lines).singleElement().satisfies(line -> assertThat(line).doesNotContain("call=")
                .contains("inbound-1"));
    }
}
