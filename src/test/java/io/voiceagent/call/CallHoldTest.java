package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A far end that holds the call (RFC 3264 section 8.4, RFC 6337) and resumes or forgets it. */
class CallHoldTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dataDir;

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallTestDoubles.Agents agents;
    private CallManager calls;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CallTestDoubles.Calls(dataDir, clock, CallTestDoubles.settings());
        sip = fixture.sip;
        media = fixture.media;
        agents = fixture.agents;
        calls = fixture.manager;
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private static SessionDescription sdp(String address, SessionDescription.Direction direction) {
        return new SessionDescription("exolve", 1, 1, address, 40000,
                List.of(SessionDescription.PCMA, new SessionDescription.Format(96, "telephone-event", 8000,
                        Optional.of("0-15"))), 20, direction);
    }

    private String answeredCall() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(sdp("203.0.113.5",
                SessionDescription.Direction.SENDRECV)));
        return started.id();
    }

    private void reoffer(SessionDescription remote) {
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.MediaUpdated(remote));
    }

    @Test
    void holdAndResumeReachTheMediaAndTheRecordShowsTheHoldPeriod() throws Exception {
        String id = answeredCall();
        CallTestDoubles.Media m = media.opened.get(0);
        assertThat(m.lastConnect.holdsUs()).isFalse();
        assertThat(m.lastConnect.telephoneEventPayloadType()).isEqualTo(96);
        assertThat(m.lastConnect.ourTelephoneEventPayloadType()).isEqualTo(101);

        now.set(T0.plusSeconds(30));
        reoffer(sdp("0.0.0.0", SessionDescription.Direction.SENDONLY));
        assertThat(m.lastConnect.holdsUs()).isTrue();
        assertThat(calls.find(id).orElseThrow().holds()).containsExactly(new HoldPeriod(T0.plusSeconds(30),
                Optional.empty()));

        now.set(T0.plusSeconds(95));
        reoffer(sdp("203.0.113.5", SessionDescription.Direction.SENDRECV));
        assertThat(m.lastConnect.holdsUs()).isFalse();
        CallRecord resumed = calls.find(id).orElseThrow();
        assertThat(resumed.holds()).containsExactly(new HoldPeriod(T0.plusSeconds(30), Optional.of(T0.plusSeconds(95))));
        assertThat(resumed.status()).isEqualTo(CallStatus.ANSWERED);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shown = (List<Map<String, Object>>) resumed.toJson(now.get()).get("holds");
        assertThat(shown).containsExactly(Map.of("start", "2026-11-25T10:00:30Z", "end", "2026-11-25T10:01:35Z"));
        assertThat(CallRecord.fromJson(resumed.toJson(now.get())).holds()).isEqualTo(resumed.holds());
    }

    @Test
    void inactiveIsAHoldTooAndAForgottenHoldEndsTheCallAsHoldTimeout() throws Exception {
        String id = answeredCall();
        CallTestDoubles.Media m = media.opened.get(0);
        now.set(T0.plusSeconds(10));
        reoffer(sdp("203.0.113.5", SessionDescription.Direction.INACTIVE));
        assertThat(m.lastConnect.holdsUs()).isTrue();

        now.set(T0.plusSeconds(610));
        m.listener.onHoldTimeout();
        CallRecord ended = calls.find(id).orElseThrow();
        assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.HOLD_TIMEOUT);
        assertThat(ended.ending().map(CallEnding::by)).contains(EndedBy.SYSTEM);
        assertThat(ended.holds()).containsExactly(new HoldPeriod(T0.plusSeconds(10), Optional.of(T0.plusSeconds(610))));
        assertThat(sip.dialed.get(0).call().hangups).isEqualTo(1);
    }

    @Test
    void aSendonlyEarlyMediaIsNoHold() throws Exception {
        String id = TestCalls.start(calls, TestCalls.request("79990001122")).id();
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Ringing(183,
                Optional.of(sdp("203.0.113.9", SessionDescription.Direction.SENDONLY))));
        assertThat(media.opened.get(0).lastConnect.holdsUs()).isTrue();
        assertThat(calls.find(id).orElseThrow().holds()).isEmpty();
    }

    @Test
    void rejectedPacketsAndTheFarEndsReportsAreOnTheRecord() throws Exception {
        String id = answeredCall();
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.RemoteHangup());
        CallRecord ended = calls.find(id).orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) ended.toJson(now.get()).get("media");
        assertThat(shown).containsEntry("rtp_rejected", Map.of("foreign_source", 3L, "learning", 2L, "malformed", 1L))
                .containsEntry("rtcp_round_trip_ms", 42.5).containsEntry("far_end_lost", 7L)
                .containsEntry("far_end_fraction_lost", 0.25).containsEntry("far_end_jitter_ms", 3.5);
        assertThat(CallRecord.fromJson(ended.toJson(now.get())).media()).isEqualTo(ended.media());
    }
}
