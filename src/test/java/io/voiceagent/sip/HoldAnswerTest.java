package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Our answer's direction to a re-offer that holds or resumes the call (RFC 3264 §6.1, §8.4; RFC 6337 §5.3). */
class HoldAnswerTest {

    private static final SessionDescription OURS = SessionDescription.offer("192.0.2.10", 20000, 7);

    private static SessionDescription offer(String address, SessionDescription.Direction direction) {
        return new SessionDescription("exolve", 1, 2, address, 40000, List.of(SessionDescription.PCMA), 20, direction);
    }

    private static SessionDescription.Direction answer(String address, SessionDescription.Direction direction) {
        return CallSession.mirrorDirection(OURS, offer(address, direction)).direction();
    }

    @Test
    void eachOfferedDirectionGetsItsMirror() {
        assertThat(answer("203.0.113.5", SessionDescription.Direction.SENDONLY)).isEqualTo(SessionDescription.Direction.RECVONLY);
        assertThat(answer("203.0.113.5", SessionDescription.Direction.INACTIVE)).isEqualTo(SessionDescription.Direction.INACTIVE);
        assertThat(answer("203.0.113.5", SessionDescription.Direction.RECVONLY)).isEqualTo(SessionDescription.Direction.SENDONLY);
        assertThat(answer("203.0.113.5", SessionDescription.Direction.SENDRECV)).isEqualTo(SessionDescription.Direction.SENDRECV);
    }

    @Test
    void anOfferToAddressZeroIsAnsweredWithoutSending() {
        assertThat(answer("0.0.0.0", SessionDescription.Direction.SENDRECV)).isEqualTo(SessionDescription.Direction.RECVONLY);
        assertThat(answer("0.0.0.0", SessionDescription.Direction.SENDONLY)).isEqualTo(SessionDescription.Direction.RECVONLY);
        assertThat(answer("0.0.0.0", SessionDescription.Direction.RECVONLY)).isEqualTo(SessionDescription.Direction.INACTIVE);
    }

    @Test
    void theVersionGoesUpOnlyWhenOurDirectionChanges() {
        SessionDescription held = CallSession.mirrorDirection(OURS, offer("0.0.0.0", SessionDescription.Direction.SENDONLY));
        assertThat(held.version()).isEqualTo(OURS.version() + 1);
        assertThat(CallSession.mirrorDirection(held, offer("0.0.0.0", SessionDescription.Direction.SENDONLY)))
                .isSameAs(held);
        SessionDescription resumed = CallSession.mirrorDirection(held, offer("203.0.113.5", SessionDescription.Direction.SENDRECV));
        assertThat(resumed.direction()).isEqualTo(SessionDescription.Direction.SENDRECV);
        assertThat(resumed.version()).isEqualTo(OURS.version() + 2);
    }
}
