package io.voiceagent.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voiceagent.call.CallException;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.webhooks.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler driven round by round with a fake clock against a scripted call service: live-call and
 * calls-per-second limits, retries per outcome, the calling window, the do-not-call list, pause, resume
 * and cancel, the finished event, and a restart from the journal that never places an attempt twice.
 */
class CampaignSchedulerTest {
    /** 12:00 in Moscow, a Tuesday. */
    private static final Instant NOON_MSK = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(NOON_MSK);
    private final ScriptedCalls calls = new ScriptedCalls(clock);
    private final List<Map<String, Object>> finished = new ArrayList<>();
    /** Where {@code campaign.completed} goes: into {@link #finished} unless a test plays a crash. */
    private CampaignListener listener = (campaign, url) -> finished.add(campaign);
    private Campaigns campaigns;

    @AfterEach
    void tearDown() {
        if (campaigns != null) {
            campaigns.close();
        }
    }

    private Campaigns open() throws Exception {
        campaigns = Campaigns.open(dataDir, Duration.ofDays(90), calls,
                new DoNotCallList(dataDir.resolve("dnc.txt"), s -> Optional.of(s.replace("+", ""))), clock,
                RandomGenerator.of("L64X128MixRandom"), 20, java.util.function.UnaryOperator.identity(),
                listener);
        return campaigns;
    }

    private static List<NewContact> contacts(String... numbers) {
        List<NewContact> out = new ArrayList<>();
        for (String n : numbers) {
            out.add(new NewContact(out.size() + 2, new StartCallRequest(n, Optional.empty(), Optional.empty(),
                    Optional.empty(), Map.of("name", "N" + n), Map.of(), Optional.empty(), Optional.empty())));
        }
        return out;
    }

    private static CampaignSettings settings(int maxConcurrent, double cps) {
        return new CampaignSettings(maxConcurrent, cps, CallingWindow.DEFAULT, RetryPolicy.DEFAULT, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Moves the clock on and runs one round. */
    private void step(Duration d) {
        clock.advance(d);
        campaigns.tick();
    }

    /** Moves the clock on, then runs rounds for half a second more: at 50 calls per second every due call starts. */
    private void advance(Duration d) {
        step(d);
        settle();
    }

    private void settle() {
        for (int i = 0; i < 5; i++) {
            step(Duration.ofMillis(100));
        }
    }

    @SuppressWarnings("unchecked")
    private static int count(Map<String, Object> status, String group, String name) {
        return ((Number) ((Map<String, Object>) status.get(group)).get(name)).intValue();
    }

    @Test
    void dialsNoFasterThanItsRateAndNeverMoreThanItsLiveCalls() throws Exception {
        open();
        String id = (String) campaigns.create("rate", contacts("79990000011", "79990000012", "79990000013",
                "79990000014", "79990000015"), 0, settings(3, 1)).get("id");
        campaigns.tick();
        assertThat(calls.live()).hasSize(1);
        step(Duration.ofMillis(500));
        assertThat(calls.live()).hasSize(1);
        step(Duration.ofMillis(500));
        assertThat(calls.live()).hasSize(2);
        step(Duration.ofSeconds(1));
        step(Duration.ofSeconds(1));
        step(Duration.ofSeconds(1));
        assertThat(calls.live()).hasSize(3);
        assertThat(count(campaigns.status(id), "states", "calling")).isEqualTo(3);

        calls.endAll();
        step(Duration.ofSeconds(1));
        step(Duration.ofSeconds(1));
        assertThat(calls.live()).hasSize(2);
        calls.endAll();
        step(Duration.ofSeconds(1));
        Map<String, Object> status = campaigns.status(id);
        assertThat(status.get("status")).isEqualTo("completed");
        assertThat(count(status, "outcomes", "answered")).isEqualTo(5);
        assertThat(calls.placedKeys).hasSize(5).allMatch(k -> k.startsWith(id + "/") && k.endsWith("/1"));
        assertThat(finished).hasSize(1);
        assertThat(finished.getFirst().get("id")).isEqualTo(id);
    }

    @Test
    void retriesBusyAndNoAnswerTwiceHalfAnHourApartAndNeverAFailure() throws Exception {
        open();
        String id = (String) campaigns.create("retries", contacts("79990000001", "79990000002", "79990000004",
                "79990001122"), 0, settings(10, 50)).get("id");
        settle();
        assertThat(calls.live()).hasSize(4);
        calls.endAll();
        campaigns.tick();
        Map<String, Object> status = campaigns.status(id);
        assertThat(count(status, "states", "retry_wait")).isEqualTo(2);
        assertThat(count(status, "outcomes", "failed")).isEqualTo(1);
        assertThat(count(status, "outcomes", "answered")).isEqualTo(1);

        advance(Duration.ofMinutes(29));
        assertThat(calls.live()).isEmpty();
        for (int round = 2; round <= 3; round++) {
            advance(Duration.ofMinutes(1).minusMillis(500));
            assertThat(calls.liveNumbers()).containsExactlyInAnyOrder("79990000001", "79990000002");
            calls.endAll();
            campaigns.tick();
            advance(Duration.ofMinutes(29));
            assertThat(calls.live()).isEmpty();
        }
        advance(Duration.ofHours(2));
        assertThat(calls.live()).isEmpty();
        status = campaigns.status(id);
        assertThat(status.get("status")).isEqualTo("completed");
        assertThat(count(status, "outcomes", "busy")).isEqualTo(1);
        assertThat(count(status, "outcomes", "no_answer")).isEqualTo(1);
        assertThat(status.get("attempts")).isEqualTo(8);
        Map<String, Object> busy = campaigns.results(id).getFirst();
        assertThat(busy).containsEntry("attempts", 3).containsEntry("last_outcome", "busy").containsEntry("line", 2);
        assertThat((List<?>) busy.get("call_ids")).hasSize(3);
    }

    @Test
    void metricsCountCampaignsContactsAndEachAttemptsOutcome() throws Exception {
        open();
        io.voiceagent.metrics.ServiceMetrics metrics = new io.voiceagent.metrics.ServiceMetrics();
        campaigns.reportTo(metrics);
        campaigns.create("metrics", contacts("79990000001", "79990000002", "79990000004", "79990001122"), 0,
                settings(10, 50));
        settle();
        calls.endAll();
        campaigns.tick();

        // The script: …001 busy, …002 no answer (both wait to retry), …004 failed, …1122 answered.
        assertThat(metrics.scrape()).contains("voiceagent_campaigns{status=\"running\"} 1")
                .contains("voiceagent_campaigns{status=\"completed\"} 0")
                .contains("voiceagent_campaign_contacts{state=\"retry_wait\"} 2")
                .contains("voiceagent_campaign_contacts{state=\"done\"} 2")
                .contains("voiceagent_campaign_contacts{state=\"pending\"} 0")
                .contains("voiceagent_campaign_attempts_total{outcome=\"busy\"} 1")
                .contains("voiceagent_campaign_attempts_total{outcome=\"no_answer\"} 1")
                .contains("voiceagent_campaign_attempts_total{outcome=\"failed\"} 1")
                .contains("voiceagent_campaign_attempts_total{outcome=\"answered\"} 1");
    }

    @Test
    void outsideItsWindowNothingIsDialedAndTheStatusSaysWhenItResumes() throws Exception {
        clock.advance(Duration.ofHours(10)); // 22:00 in Moscow
        open();
        CallingWindow weekdays = new CallingWindow(LocalTime.of(9, 0), LocalTime.of(21, 0),
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), ZoneId.of("Europe/Moscow"));
        String id = (String) campaigns.create("window", contacts("79990001122"), 0, new CampaignSettings(1, 1,
                weekdays, RetryPolicy.DEFAULT, Optional.empty(), Optional.empty(), Optional.empty())).get("id");
        campaigns.tick();
        assertThat(calls.live()).isEmpty();
        Map<String, Object> status = campaigns.status(id);
        assertThat(status).containsEntry("dialing", "outside_window")
                .containsEntry("resumes_at", "2026-12-02T06:00:00Z");
        step(Duration.ofHours(11).minusSeconds(1));
        assertThat(calls.live()).isEmpty();
        step(Duration.ofSeconds(1));
        assertThat(calls.live()).hasSize(1);
    }

    @Test
    void aWindowCrossingMidnightDialsFromItsDayIntoTheNextMorningOnly() throws Exception {
        open();
        CallingWindow tuesdayNights = new CallingWindow(LocalTime.of(21, 0), LocalTime.of(2, 0),
                EnumSet.of(DayOfWeek.TUESDAY), ZoneId.of("Europe/Moscow"));
        String id = (String) campaigns.create("night", contacts("79990000011", "79990000012", "79990000013"), 0,
                new CampaignSettings(1, 50, tuesdayNights, RetryPolicy.DEFAULT, Optional.empty(), Optional.empty(),
                        Optional.empty())).get("id");
        campaigns.tick();
        assertThat(campaigns.status(id)).containsEntry("dialing", "outside_window")
                .containsEntry("resumes_at", "2026-12-01T18:00:00Z");
        step(Duration.ofHours(9).minusSeconds(1)); // Tuesday 20:59:59 in Moscow
        assertThat(calls.live()).isEmpty();
        step(Duration.ofSeconds(1));
        assertThat(calls.liveNumbers()).containsExactly("79990000011");

        clock.advance(Duration.ofHours(4)); // Wednesday 01:00: still Tuesday's window
        calls.endAll(n -> CallStatus.COMPLETED);
        campaigns.tick();
        assertThat(calls.liveNumbers()).containsExactly("79990000012");
        assertThat(campaigns.status(id)).containsEntry("dialing", "open");

        clock.advance(Duration.ofHours(1)); // Wednesday 02:00: closed until next Tuesday 21:00
        calls.endAll(n -> CallStatus.COMPLETED);
        campaigns.tick();
        assertThat(calls.live()).isEmpty();
        assertThat(campaigns.status(id)).containsEntry("dialing", "outside_window")
                .containsEntry("resumes_at", "2026-12-08T18:00:00Z");
    }

    @Test
    void theEstimatedFinishCountsOnlyTheWindowsHours() throws Exception {
        open();
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            numbers.add("799900000" + (10 + i));
        }
        String id = (String) campaigns.create("estimate", contacts(numbers.toArray(String[]::new)), 0,
                settings(1, 50)).get("id");
        campaigns.tick();
        assertThat(campaigns.status(id).get("estimated_finish_at")).as("nothing finished yet").isNull();
        for (int hour = 0; hour < 8; hour++) { // a call an hour, from 12:00 to 20:00 in Moscow
            clock.advance(Duration.ofHours(1));
            calls.endAll(n -> CallStatus.COMPLETED);
            campaigns.tick();
        }
        Map<String, Object> status = campaigns.status(id);
        assertThat(count(status, "states", "done")).isEqualTo(8);
        // Four left at one per open hour: 20:00-21:00 today, then 09:00-12:00 tomorrow (not 00:00 tonight).
        assertThat(status).containsEntry("estimated_finish_at", "2026-12-02T09:00:00Z");

        // 22:00, closed: the hour after 21:00 does not count, the open hour before it does (8 in 9 open hours),
        // so the four left take 4.5 open hours from 09:00 tomorrow.
        clock.advance(Duration.ofHours(2));
        assertThat(campaigns.status(id)).containsEntry("estimated_finish_at", "2026-12-02T10:30:00Z");
    }

    @Test
    void aCampaignThatEndedJustBeforeACrashHasItsCompletionQueuedAtTheNextStart() throws Exception {
        listener = (campaign, url) -> {
            throw new IllegalStateException("the process died before campaign.completed was queued");
        };
        open();
        String id = (String) campaigns.create("crash", contacts("79990000011"), 0, settings(1, 50)).get("id");
        campaigns.tick();
        calls.endAll(n -> CallStatus.COMPLETED);
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(campaigns::tick).hasMessageContaining("died");
        campaigns.close();
        campaigns = null;

        listener = (campaign, url) -> finished.add(campaign);
        open();
        assertThat(campaigns.status(id)).containsEntry("status", "completed");
        assertThat(finished).isEmpty();
        campaigns.tick();
        assertThat(finished).singleElement().satisfies(event -> assertThat(event).containsEntry("id", id)
                .containsEntry("status", "completed"));

        campaigns.close();
        campaigns = null;
        open();
        campaigns.tick();
        assertThat(finished).as("queued once it was noted as queued: not again").hasSize(1);
    }

    @Test
    void aNumberOnTheDoNotCallListIsNeverDialed() throws Exception {
        Files.writeString(dataDir.resolve("dnc.txt"), "# opted out\n+79990001122\n");
        open();
        String id = (String) campaigns.create("dnc", contacts("79990001122", "79990001133"), 0,
                settings(5, 50)).get("id");
        settle();
        assertThat(calls.liveNumbers()).containsExactly("79990001133");
        assertThat(campaigns.results(id).getFirst()).containsEntry("last_outcome", "do_not_call")
                .containsEntry("attempts", 0);
        campaigns.doNotCall().add(List.of("79990001144"));
        assertThat(Files.readString(dataDir.resolve("dnc.txt"))).contains("79990001144");
        assertThat(campaigns.doNotCall().contains("79990001144")).isTrue();
    }

    @Test
    void pauseStopsDialingResumeGoesOnCancelLeavesLiveCallsOrHangsThemUp() throws Exception {
        open();
        String id = (String) campaigns.create("life", contacts("79990000011", "79990000012", "79990000013"), 0,
                settings(1, 50)).get("id");
        campaigns.tick();
        assertThat(calls.live()).hasSize(1);
        campaigns.pause(id);
        calls.endAll();
        advance(Duration.ofMinutes(5));
        assertThat(calls.live()).isEmpty();
        assertThat(campaigns.status(id)).containsEntry("dialing", "paused");
        assertThatThrownBy(() -> campaigns.pause(id)).isInstanceOf(CampaignException.class);
        campaigns.resume(id);
        campaigns.tick();
        assertThat(calls.live()).hasSize(1);

        campaigns.cancel(id, false);
        assertThat(calls.live()).hasSize(1);
        assertThat(finished).isEmpty();
        calls.endAll();
        campaigns.tick();
        Map<String, Object> status = campaigns.status(id);
        assertThat(status.get("status")).isEqualTo("canceled");
        assertThat(count(status, "outcomes", "answered")).isEqualTo(2);
        assertThat(count(status, "states", "not_called")).isEqualTo(1);
        assertThat(finished).hasSize(1);
        assertThatThrownBy(() -> campaigns.resume(id)).isInstanceOf(CampaignException.class)
                .extracting(e -> ((CampaignException) e).reason()).isEqualTo(CampaignException.Reason.INVALID_STATE);

        String second = (String) campaigns.create("hangup", contacts("79990000021"), 0, settings(1, 50)).get("id");
        campaigns.tick();
        campaigns.cancel(second, true);
        assertThat(calls.live()).isEmpty();
        campaigns.tick();
        assertThat(campaigns.results(second).getFirst()).containsEntry("last_outcome", "canceled");
    }

    @Test
    void atItsStopTimeNothingMoreIsDialedAndItCompletesOnceItsCallsEnd() throws Exception {
        open();
        String id = (String) campaigns.create("stop", contacts("79990000011", "79990000012", "79990000013"), 0,
                new CampaignSettings(1, 1, CallingWindow.DEFAULT, RetryPolicy.DEFAULT,
                        Optional.of(NOON_MSK.plusSeconds(60)), Optional.empty(), Optional.empty())).get("id");
        campaigns.tick();
        assertThat(calls.live()).hasSize(1);
        step(Duration.ofSeconds(60));
        assertThat(campaigns.status(id)).containsEntry("dialing", "stopped").containsEntry("status", "running");
        calls.endAll();
        step(Duration.ofSeconds(1));
        Map<String, Object> status = campaigns.status(id);
        assertThat(status.get("status")).isEqualTo("completed");
        assertThat(count(status, "states", "not_called")).isEqualTo(2);
        assertThat(calls.placedKeys).hasSize(1);
    }

    @Test
    void aStartRefusedForNowIsNotAnAttemptAndIsTriedAgain() throws Exception {
        open();
        String id = (String) campaigns.create("busy service", contacts("79990000011"), 0, settings(1, 50)).get("id");
        calls.refuse = Optional.of(CallException.Reason.TOO_MANY_CALLS);
        campaigns.tick();
        assertThat(campaigns.results(id).getFirst()).containsEntry("attempts", 0).containsEntry("state", "pending");
        calls.refuse = Optional.empty();
        advance(Campaigns.REFUSED_RETRY);
        assertThat(calls.placedKeys).containsExactly(id + "/0/1");
    }

    @Test
    void afterARestartItResumesAndAnAttemptWhoseCallWasPlacedIsNotPlacedAgain() throws Exception {
        open();
        String id = (String) campaigns.create("restart", contacts("79990000001", "79990000012", "79990000013"), 0,
                settings(2, 50)).get("id");
        settle();
        calls.endAll(n -> CallStatus.BUSY);
        settle(); // the third one's first attempt, the first two wait
        calls.endAll(n -> CallStatus.COMPLETED);
        clock.advance(Duration.ofMinutes(30));
        campaigns.tick(); // the busy ones' second attempts, live at the "crash"
        assertThat(calls.placedKeys).containsExactly(id + "/0/1", id + "/1/1", id + "/2/1", id + "/0/2", id + "/1/2");
        campaigns.close(); // as after a crash: the live call's outcome was never read
        campaigns = null;
        // The call service restarted too: the live call ended as failed (service_restart).
        calls.endAll(n -> CallStatus.FAILED);

        open();
        settle();
        Map<String, Object> status = campaigns.status(id);
        assertThat(calls.placedKeys).as("attempt 2 was placed before the crash: not again")
                .containsExactly(id + "/0/1", id + "/1/1", id + "/2/1", id + "/0/2", id + "/1/2");
        assertThat(campaigns.results(id).getFirst()).containsEntry("last_outcome", "failed")
                .containsEntry("attempts", 2).containsEntry("state", "done");
        assertThat(campaigns.results(id).get(2)).containsEntry("last_outcome", "answered")
                .containsEntry("attempts", 1);
        assertThat(status.get("status")).isEqualTo("completed");
        assertThat(count(status, "outcomes", "failed")).isEqualTo(2);
    }

    @Test
    void aCallHungUpAsTheServiceStoppedIsAFailedAttempt() throws Exception {
        open();
        String id = (String) campaigns.create("sigterm", contacts("79990000011"), 0, new CampaignSettings(1, 1,
                CallingWindow.DEFAULT, RetryPolicy.DEFAULT.with(Outcome.FAILED, new RetryPolicy.Rule(1, Duration.ZERO)),
                Optional.empty(), Optional.empty(), Optional.empty())).get("id");
        campaigns.tick();
        String callId = calls.live().getFirst().id();
        calls.records.put(callId, calls.records.get(callId).withEnd(new io.voiceagent.call.CallEnding(
                CallStatus.CANCELED, io.voiceagent.call.EndCause.SHUTDOWN, io.voiceagent.call.EndedBy.US),
                clock.instant()));
        step(Duration.ofSeconds(1));
        assertThat(campaigns.results(id).getFirst()).containsEntry("attempts", 2).containsEntry("last_outcome", "failed")
                .containsEntry("hangup_cause", "shutdown");
    }

    @Test
    void anAttemptJournaledButNeverPlacedBeforeACrashIsPlacedOnceWithTheSameKey() throws Exception {
        open();
        String id = (String) campaigns.create("torn", contacts("79990000011"), 0, settings(1, 50)).get("id");
        // Simulate the crash between the journal line and the call: journal the attempt by hand.
        campaigns.close();
        campaigns = null;
        var loaded = CampaignJournal.open(dataDir, clock, Duration.ofDays(90));
        loaded.journal().awaitDurable(loaded.journal().appendChanges(id + "/0",
                Map.of("state", "calling", "attempts", 1), true));
        loaded.journal().close();

        open();
        campaigns.tick();
        assertThat(calls.placedKeys).containsExactly(id + "/0/1");
        assertThat(campaigns.results(id).getFirst()).containsEntry("attempts", 1).containsEntry("state", "calling");
        assertThat((List<?>) campaigns.results(id).getFirst().get("call_ids")).hasSize(1);
    }

    @Test
    void theCampaignsJournalIsPrivate() throws Exception {
        open();
        campaigns.create("mode", contacts("79990000011"), 0, settings(1, 1));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("campaigns.jsonl")))).isEqualTo("rw-------");
    }
}
