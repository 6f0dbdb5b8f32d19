package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voiceagent.metrics.Histogram;
import io.voiceagent.metrics.Scrapes;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.FailureCause;
import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the call layer counts and times, driven event by event on a fake clock; and scrapes racing with endings. */
class CallMetricsTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final SessionDescription ANSWER = new SessionDescription("phone", 1, 1, "127.0.0.2", 40000,
            List.of(SessionDescription.PCMU, SessionDescription.TELEPHONE_EVENT), 20,
            SessionDescription.Direction.SENDRECV);

    @TempDir
    Path dataDir;

    private final CallJournalRestartTest.MutableClock clock = new CallJournalRestartTest.MutableClock(T0);
    private final ServiceMetrics metrics = new ServiceMetrics();
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallTestDoubles.Agents agents;
    private CallManager calls;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CallTestDoubles.Calls(dataDir, clock,
                CallTestDoubles.settings(CallMode.SIP, 500, Duration.ofSeconds(60), 1_000), metrics);
        sip = fixture.sip;
        media = fixture.media;
        agents = fixture.agents;
        calls = fixture.manager;
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void at(double seconds) {
        clock.set(T0.plusMillis((long) (seconds * 1000)));
    }

    private static double sum(Histogram histogram) {
        Histogram.Snapshot s = histogram.snapshot();
        assertThat(s.count()).as("one observation").isEqualTo(1);
        return s.sum();
    }

    @Test
    void aCallIsCountedAndTimedAtEachStage() throws Exception {
        TestCalls.start(calls, TestCalls.request("79990001122"));
        assertThat(metrics.callsStarted.value()).isEqualTo(1);
        assertThat(metrics.scrape()).contains("voiceagent_calls_live{status=\"dialing\"} 1\n");

        at(2);
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Ringing(180, Optional.empty()));
        at(2.5);
        agents.pending.get(0).future().complete(new CallTestDoubles.Conversation());
        at(5);
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(ANSWER));
        media.opened.get(0).listener.onDtmf('7');
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Dtmf('#'));
        assertThat(metrics.scrape()).contains("voiceagent_calls_live{status=\"dialing\"} 0\n",
                "voiceagent_calls_live{status=\"ringing\"} 0\n", "voiceagent_calls_live{status=\"answered\"} 1\n");
        at(35);
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.RemoteHangup());

        assertThat(sum(metrics.ringingAfterStart)).isEqualTo(2.0);
        assertThat(sum(metrics.aiConnect)).isEqualTo(2.5);
        assertThat(sum(metrics.answerAfterStart)).isEqualTo(5.0);
        assertThat(sum(metrics.callDuration)).isEqualTo(30.0);
        assertThat(metrics.dtmfDigits.value()).isEqualTo(2);
        assertThat(metrics.callsEnded.value("completed", "remote_hangup")).isEqualTo(1);
        assertThat(metrics.scrape()).contains("voiceagent_calls_live{status=\"answered\"} 0\n",
                "voiceagent_sip_registration{state=\"registered\"} 1\n", "voiceagent_journal_state{state=\"ok\"} 1\n");
    }

    @Test
    void anUnansweredCallIsCountedByItsOutcomeWithoutADurationAndARefusedStartIsNotCounted() throws Exception {
        TestCalls.start(calls, TestCalls.request("79990001122"));
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Failed(FailureCause.BUSY, 486, "Busy Here"));
        sip.registration = new RegistrationStatus(RegistrationStatus.State.FAILED, Optional.of("403 Forbidden"), T0,
                Optional.empty());

        assertThatThrownBy(() -> TestCalls.start(calls, TestCalls.request("79990001123")))
                .isInstanceOf(CallException.class);

        assertThat(metrics.callsStarted.value()).isEqualTo(1);
        assertThat(metrics.callsEnded.value("busy", "busy")).isEqualTo(1);
        assertThat(metrics.callDuration.snapshot().count()).isZero();
        assertThat(metrics.scrape()).contains("voiceagent_sip_registration{state=\"failed\"} 1\n",
                "voiceagent_sip_registration{state=\"registered\"} 0\n");
    }

    @Test
    void aCallARestartInterruptedIsCountedAsItEndsButNotAsStartedAgain() {
        CallRecord live = CallRecord.dialing("c_before", CallMode.SIP, TestCalls.request("79990001122"),
                T0.minusSeconds(30)).withStatus(CallStatus.ANSWERED, T0.minusSeconds(20));
        ServiceMetrics restarted = new ServiceMetrics();
        CallManager afterRestart = new CallManager(CallTestDoubles.settings(CallMode.SIP, 5, Duration.ofSeconds(60), 10),
                sip, media, agents, Optional.empty(), fixture.journal, List.of(live), fixture.timers, clock,
                new SplittableRandom(8), restarted);

        assertThat(afterRestart.endInterruptedCalls()).isEqualTo(1);

        assertThat(restarted.callsEnded.value("failed", "service_restart")).isEqualTo(1);
        assertThat(restarted.callsStarted.value()).isZero();
        assertThat(restarted.callDuration.snapshot().count()).as("the downtime is no talk time").isZero();
    }

    @Test
    void scrapesRacingWithManyCallsEndingNeverFailAndNoCounterEverGoesDown() throws Exception {
        int count = 300;
        for (int i = 0; i < count; i++) {
            TestCalls.start(calls, TestCalls.request("7999" + (1_000_000 + i)));
        }
        for (int i = 0; i < count; i += 2) {
            sip.dialed.get(i).listener().onEvent(new SipCallEvent.Answered(ANSWER));
        }
        AtomicBoolean ending = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Map<String, Double>> scrapes = new ArrayList<>();
        Thread scraper = Thread.ofPlatform().name("scraper").start(() -> {
            try {
                while (ending.get()) {
                    scrapes.add(Scrapes.monotonic(metrics.scrape()));
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> enders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            enders.add(Thread.ofPlatform().name("ender-" + t).start(() -> {
                try {
                    go.await();
                    for (int i = first; i < count; i += 4) {
                        sip.dialed.get(i).listener().onEvent(new SipCallEvent.RemoteHangup());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread ender : enders) {
            ender.join();
        }
        ending.set(false);
        scraper.join();
        scrapes.add(Scrapes.monotonic(metrics.scrape()));

        assertThat(failures).isEmpty();
        assertThat(scrapes.size()).as("scrapes taken while calls ended").isGreaterThan(1);
        for (int i = 1; i < scrapes.size(); i++) {
            Scrapes.neverWentDown(scrapes.get(i - 1), scrapes.get(i));
        }
        Map<String, Double> last = scrapes.getLast();
        assertThat(last).containsEntry("voiceagent_calls_started_total", (double) count)
                .containsEntry("voiceagent_calls_ended_total{status=\"completed\",cause=\"remote_hangup\"}", count / 2.0)
                .containsEntry("voiceagent_calls_ended_total{status=\"canceled\",cause=\"remote_hangup\"}", count / 2.0)
                .containsEntry("voiceagent_call_duration_seconds_count", count / 2.0);
        assertThat(metrics.scrape()).contains("voiceagent_calls_live{status=\"answered\"} 0\n",
                "voiceagent_calls_live{status=\"dialing\"} 0\n");
    }
}
