package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.BYE_ANSWERED;
import static io.voiceagent.sip.interop.UserAgentUnderTest.STEP;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/**
 * RFC 3261 §12.2.2 and SIP_TRUSTED_PEERS on a live call with sipp as the carrier: a BYE with the
 * call's Call-ID but invented tags gets 481, a BYE with the right tags from an address that is not
 * the carrier's gets 403, and the call lives on until we hang up (sipp sees our BYE).
 */
@Timeout(60)
@Tag("slow")
class SippInDialogChecksInteropTest {


    @TempDir
    Path dir;

    @Test
    void byeWithForeignTagsOrFromAnUntrustedAddressLeavesTheCallUp() throws Exception {
        try (SippProcess sipp = SippProcess.callee("invite-answered.xml").start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.registered(sipp.port())) {
            CallEvents events = new CallEvents();
            SipCall call = agent.dial(SippOutboundCallInteropTest.NUMBER, events);
            events.nextSkippingRinging(SipCallEvent.Answered.class, STEP);
            String ok = agent.messages("in", Pattern.compile("^SIP/2\\.0 200[\\s\\S]*CSeq:\\s*\\d+ INVITE")).getFirst();
            String from = header(ok, "From");
            String to = header(ok, "To");

            // right Call-ID, right host, invented tags
            String forged = bye(call.callId(), from.replaceAll("tag=[^;>]+", "tag=invented"),
                    to.replaceAll("tag=[^;>]+", "tag=guessed"), agent.port());
            assertThat(exchange("127.0.0.1", agent.port(), forged)).startsWith("SIP/2.0 481");

            // right dialog, wrong host: 127.0.0.2 is loopback but not SIP_SERVER (127.0.0.1)
            String stolen = bye(call.callId(), from, to, agent.port());
            assertThat(exchange("127.0.0.2", agent.port(), stolen)).startsWith("SIP/2.0 403");

            assertThat(events.all()).as("the call is still up").noneMatch(SipCallEvent.RemoteHangup.class::isInstance);
            call.hangup();
            agent.awaitMessage("in", BYE_ANSWERED, STEP);
            agent.close();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + ":\\s*(.*?)\\r?$").matcher(message);
        assertThat(m.find()).as(name + " in " + message).isTrue();
        return m.group(1);
    }

    /** A BYE as the far end would send it: From is its side (the 200's To), To is ours. */
    private static String bye(String callId, String ourFrom, String theirTo, int agentPort) {
        return "BYE sip:alice@127.0.0.1:" + agentPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-forged-" + System.nanoTime() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + theirTo + "\r\n"
                + "To: " + ourFrom + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 900 BYE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Sends {@code request} from {@code localAddress} and returns the answer. */
    private static String exchange(String localAddress, int agentPort, String request) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localAddress), 0))) {
            socket.setSoTimeout((int) STEP.toMillis());
            byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), agentPort));
            byte[] buffer = new byte[4096];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            return new String(buffer, 0, answer.getLength(), StandardCharsets.UTF_8);
        }
    }
}
