package io.voiceagent.media;

import io.voiceagent.media.RtpSourceLatch.Verdict;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

class RtpSourceLatchTest {

    private static final long MS = 1_000_000;
    private static final InetSocketAddress PHONE = address("203.0.113.10", 4000);
    private static final InetSocketAddress PHONE_OTHER_PORT = address("203.0.113.10", 4010);
    private static final InetSocketAddress ATTACKER = address("198.51.100.66", 4000);
    private static final InetSocketAddress PRIVATE_SDP = address("10.1.2.3", 4000);
    private static final InetSocketAddress PHONES_NAT = address("198.51.100.7", 61000);

    private final RtpSourceLatch latch = new RtpSourceLatch(RtpSourceLatch.DEFAULT_PACKETS_TO_LEARN);
    private long now = 1_000 * MS;

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends {@code count} packets 20 ms apart with consecutive sequence numbers; returns the last verdict. */
    private Verdict stream(InetSocketAddress from, long ssrc, int firstSequence, int count) {
        Verdict verdict = null;
        for (int i = 0; i < count; i++) {
            verdict = latch.judge(from, ssrc, (firstSequence + i) & 0xFFFF, now);
            now += 20 * MS;
        }
        return verdict;
    }

    @Test
    void nothingIsAcceptedOrTargetedBeforeTheFarEndsSdpIsKnown() {
        assertThat(latch.target()).isEmpty();
        assertThat(stream(PHONE, 1, 0, 10)).isEqualTo(Verdict.FOREIGN_SOURCE);
        assertThat(latch.target()).isEmpty();
    }

    @Test
    void theSdpAddressIsAcceptedFromItsFirstPacketAndIsTheTarget() {
        latch.expect(PHONE, now);
        assertThat(latch.target()).contains(PHONE);
        assertThat(latch.judge(PHONE, 7, 100, now)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void anotherIpIsNeverAdoptedWhenTheSdpAddressIsReachable() {
        latch.expect(PHONE, now);
        latch.answered(now);
        assertThat(stream(ATTACKER, 9, 0, 200)).isEqualTo(Verdict.FOREIGN_SOURCE);
        assertThat(latch.target()).contains(PHONE);
    }

    @Test
    void anotherPortOnTheSameIpIsAdoptedAfterFourConsecutivePacketsOfOneSsrc() {
        latch.expect(PHONE, now);
        assertThat(stream(PHONE_OTHER_PORT, 5, 10, 3)).isEqualTo(Verdict.LEARNING);
        assertThat(latch.target()).contains(PHONE);
        assertThat(stream(PHONE_OTHER_PORT, 5, 13, 1)).isEqualTo(Verdict.ACCEPT);
        assertThat(latch.target()).contains(PHONE_OTHER_PORT);
    }

    @Test
    void aGapInSequenceNumbersOrANewSsrcStartsTheCountAgain() {
        latch.expect(PHONE, now);
        stream(PHONE_OTHER_PORT, 5, 10, 3);
        assertThat(stream(PHONE_OTHER_PORT, 5, 20, 1)).as("gap").isEqualTo(Verdict.LEARNING);
        assertThat(stream(PHONE_OTHER_PORT, 6, 21, 3)).as("new SSRC").isEqualTo(Verdict.LEARNING);
        assertThat(stream(PHONE_OTHER_PORT, 6, 24, 1)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void aNewPortIsAdoptedOnlyOnceTheCurrentSourceHasBeenSilentFor200Ms() {
        latch.expect(PHONE, now);
        for (int i = 0; i < 20; i++) {
            assertThat(latch.judge(PHONE, 1, i, now)).isEqualTo(Verdict.ACCEPT);
            assertThat(latch.judge(PHONE_OTHER_PORT, 2, 500 + i, now)).isEqualTo(Verdict.LEARNING);
            now += 20 * MS;
        }
        assertThat(latch.target()).contains(PHONE);
        long lastFromPhone = now - 20 * MS;
        int sequence = 520;
        while (now - lastFromPhone < RtpSourceLatch.SILENCE_BEFORE_SWITCH_MS * MS) {
            assertThat(latch.judge(PHONE_OTHER_PORT, 2, sequence++, now)).isEqualTo(Verdict.LEARNING);
            now += 20 * MS;
        }
        assertThat(latch.judge(PHONE_OTHER_PORT, 2, sequence, now)).isEqualTo(Verdict.ACCEPT);
        assertThat(latch.target()).contains(PHONE_OTHER_PORT);
    }

    @Test
    void theSdpAddressIsStillAcceptedAfterAnotherPortWasAdoptedAndBecomesTheTargetAgain() {
        latch.expect(PHONE, now);
        stream(PHONE_OTHER_PORT, 5, 10, 4);
        assertThat(latch.target()).contains(PHONE_OTHER_PORT);
        assertThat(latch.judge(PHONE, 1, 1, now)).isEqualTo(Verdict.ACCEPT);
        assertThat(latch.target()).contains(PHONE);
    }

    @Test
    void behindNatAnotherIpIsLearnedInTheFirstTwoSecondsAfterTheAnswer() {
        latch.expect(PRIVATE_SDP, now);
        latch.answered(now);
        assertThat(stream(PHONES_NAT, 3, 0, 3)).isEqualTo(Verdict.LEARNING);
        assertThat(stream(PHONES_NAT, 3, 3, 1)).isEqualTo(Verdict.ACCEPT);
        assertThat(latch.target()).contains(PHONES_NAT);
        for (int i = 0; i < 50; i++) {
            assertThat(latch.judge(PHONES_NAT, 3, 4 + i, now)).isEqualTo(Verdict.ACCEPT);
            assertThat(latch.judge(ATTACKER, 9, i, now)).as("the learned phone keeps talking")
                    .isEqualTo(Verdict.LEARNING);
            now += 20 * MS;
        }
        assertThat(latch.target()).contains(PHONES_NAT);
    }

    @Test
    void behindNatNoOtherIpIsLearnedWhileRinging() {
        latch.expect(PRIVATE_SDP, now);
        assertThat(stream(ATTACKER, 9, 0, 100)).isEqualTo(Verdict.FOREIGN_SOURCE);
        assertThat(latch.target()).contains(PRIVATE_SDP);
    }

    @Test
    void behindNatNoOtherIpIsLearnedAfterTheWindow() {
        latch.expect(PRIVATE_SDP, now);
        latch.answered(now);
        now += RtpSourceLatch.LEARNING_WINDOW_MS * MS;
        assertThat(stream(ATTACKER, 9, 0, 100)).isEqualTo(Verdict.FOREIGN_SOURCE);
        assertThat(latch.target()).contains(PRIVATE_SDP);
    }

    @Test
    void aReInviteToAPrivateAddressOpensANewWindow() {
        latch.expect(PRIVATE_SDP, now);
        latch.answered(now);
        now += 60_000 * MS;
        InetSocketAddress moved = address("192.168.7.7", 5000);
        latch.expect(moved, now);
        assertThat(latch.target()).contains(moved);
        assertThat(stream(PHONES_NAT, 3, 0, 4)).isEqualTo(Verdict.ACCEPT);
        assertThat(latch.target()).contains(PHONES_NAT);
    }

    @Test
    void theAnsweredMediaWinsOverTheEarlyMediaSource() {
        InetSocketAddress ringbackServer = address("203.0.113.50", 30000);
        latch.expect(ringbackServer, now);
        assertThat(stream(ringbackServer, 1, 0, 10)).isEqualTo(Verdict.ACCEPT);
        latch.expect(PHONE, now);
        latch.answered(now);
        assertThat(latch.target()).contains(PHONE);
        assertThat(stream(ringbackServer, 1, 10, 50)).isEqualTo(Verdict.FOREIGN_SOURCE);
        assertThat(stream(PHONE, 2, 0, 1)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void theSameSdpAgainKeepsTheAdoptedSource() {
        latch.expect(PHONE, now);
        stream(PHONE_OTHER_PORT, 5, 10, 4);
        latch.expect(PHONE, now);
        latch.answered(now);
        assertThat(latch.target()).contains(PHONE_OTHER_PORT);
    }
}
