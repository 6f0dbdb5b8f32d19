package io.voiceagent.webhooks;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.call.TestCalls;
import io.voiceagent.call.TranscriptLine;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.transfer.TransferOutcome;
import io.voiceagent.transfer.TransferSummary;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher against a real local HTTP receiver that checks every signature, with a fake clock
 * driving the retries: order per call, retries on 5xx and refused connections, no retry on 4xx,
 * the 24 h window, the delivery log and the counter, and the outbox across a restart.
 */
class WebhookDeliveryTest {
    private static final String SECRET = "whsec_0123456789abcdef";
    /** nextDouble() = 0.5: every jittered delay is three quarters of its base. */
    private static final RandomGenerator HALF = () -> 1L << 63;
    private final ServiceMetrics metrics = new ServiceMetrics();

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private WebhookReceiver receiver;
    private WebhookOutbox outbox;
    private WebhookDispatcher dispatcher;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new WebhookReceiver(SECRET, clock);
        openDispatcher();
    }

    @AfterEach
    void tearDown() {
        dispatcher.close();
        outbox.close();
        receiver.close();
        http.close();
    }

    private void openDispatcher() throws Exception {
        outbox = WebhookOutbox.open(dataDir, clock);
        dispatcher = new WebhookDispatcher(Optional.of(receiver.url()), Optional.of(Secret.of(SECRET)), outbox,
                new HttpWebhookSender(http, Duration.ofSeconds(5)), Backoff.DEFAULT, clock, HALF, metrics);
    }

    /** Runs the attempts that are due and waits for each to finish. */
    private int deliverDue() throws Exception {
        List<Future<?>> started = dispatcher.deliverDue();
        for (Future<?> f : started) {
            f.get();
        }
        return started.size();
    }

    private CallRecord ringing(String id) {
        Instant now = clock.instant();
        return CallRecord.dialing(id, CallMode.SIP, TestCalls.request("79990001122"), now)
                .withStatus(CallStatus.RINGING, now);
    }

    private static CallRecord endedAfterTalk(CallRecord ringing, Instant at) {
        return ringing.withStatus(CallStatus.ANSWERED, at)
                .withTranscriptLine(new TranscriptLine("agent", "Hello! This is the demo.", at))
                .withTranscriptLine(new TranscriptLine("user", "I heard you", at))
                .withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.AGENT_END_CALL, EndedBy.AGENT), at.plusSeconds(9));
    }

    @Test
    void a_call_s_three_events_arrive_signed_in_order_and_the_last_carries_the_whole_record() throws Exception {
        CallRecord ringing = ringing("c_order");
        dispatcher.onSaved(CallRecord.dialing("c_order", CallMode.SIP, TestCalls.request("79990001122"),
                clock.instant()));
        dispatcher.onSaved(ringing);
        dispatcher.onSaved(ringing); // a save that changes nothing the receiver hears about
        CallRecord ended = endedAfterTalk(ringing, clock.instant());
        dispatcher.onSaved(ended);
        dispatcher.onSaved(ended.withEvent(Map.of("source", "exolve", "type", "d"))); // saved after the end

        // one attempt per call at a time: three rounds for three events
        assertThat(deliverDue() + deliverDue() + deliverDue() + deliverDue()).isEqualTo(3);

        List<WebhookReceiver.Received> got = receiver.all();
        assertThat(got).extracting(WebhookReceiver.Received::type)
                .containsExactly("call.ringing", "call.answered", "call.ended");
        assertThat(got).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(got.get(0).signature()).matches("t=" + clock.instant().getEpochSecond() + ",v1=[0-9a-f]{64}");
        assertThat(got).extracting(WebhookReceiver.Received::eventId)
                .containsExactly("evt_c_order_ringing", "evt_c_order_answered", "evt_c_order_ended");
        @SuppressWarnings("unchecked")
        Map<String, Object> call = (Map<String, Object>) got.get(2).body().get("data");
        assertThat(call).containsEntry("status", "completed").containsEntry("hangup_cause", "agent_end_call");
        assertThat((List<?>) call.get("transcript")).hasSize(2);
        assertThat(dispatcher.deliveries("c_order")).extracting(d -> d.get("state"))
                .containsExactly("delivered", "delivered", "delivered");
        assertThat(count("delivered")).isEqualTo(3);
    }

    @Test
    void each_transfer_attempt_with_an_outcome_makes_one_call_transfer_event_named_by_its_attempt() throws Exception {
        Instant now = clock.instant();
        CallRecord answered = ringing("c_transfer").withStatus(CallStatus.ANSWERED, now);
        TransferSummary ringingPerson = new TransferSummary(1, "79990000777", Config.TransferMode.BRIDGE, "tool",
                now, Optional.empty(), TransferOutcome.RINGING, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        dispatcher.onSaved(answered.withTransfer(ringingPerson));
        TransferSummary busy = new TransferSummary(1, "79990000777", Config.TransferMode.BRIDGE, "tool", now,
                Optional.empty(), TransferOutcome.BUSY, Optional.of("busy (486 Busy Here)"), Optional.empty(),
                Optional.empty(), Optional.empty());
        CallRecord afterBusy = answered.withTransfer(busy);
        dispatcher.onSaved(afterBusy);
        dispatcher.onSaved(afterBusy); // the same attempt's outcome saved again (a transcript line, say)
        // A second attempt, at the same instant of the fake clock: its own event once it has an outcome.
        TransferSummary secondRinging = new TransferSummary(2, "79990000888", Config.TransferMode.BRIDGE, "api",
                now, Optional.empty(), TransferOutcome.RINGING, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        dispatcher.onSaved(afterBusy.withTransfer(secondRinging));
        TransferSummary answeredPerson = new TransferSummary(2, "79990000888", Config.TransferMode.BRIDGE, "api",
                now, Optional.of(now), TransferOutcome.ANSWERED, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        CallRecord afterAnswer = afterBusy.withTransfer(answeredPerson);
        dispatcher.onSaved(afterAnswer);
        dispatcher.onSaved(afterAnswer.withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.TRANSFERRED,
                EndedBy.US), now.plusSeconds(5)));

        int delivered = 0;
        for (int i = 0; i < 6; i++) {
            delivered += deliverDue();
        }
        assertThat(delivered).isEqualTo(5);
        List<WebhookReceiver.Received> got = receiver.all();
        assertThat(got).extracting(WebhookReceiver.Received::type)
                .containsExactly("call.ringing", "call.answered", "call.transfer", "call.transfer", "call.ended");
        assertThat(got.get(2).eventId()).isEqualTo("evt_c_transfer_transfer_1");
        assertThat(got.get(3).eventId()).isEqualTo("evt_c_transfer_transfer_2");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) got.get(2).body().get("data");
        assertThat(first.get("transfer")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "busy").containsEntry("target", "79990000777").containsEntry("attempt", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> second = (Map<String, Object>) got.get(3).body().get("data");
        assertThat(second.get("transfer")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("outcome", "answered").containsEntry("attempt", 2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_finished_campaign_is_announced_signed_with_its_final_status_and_survives_a_restart() throws Exception {
        Map<String, Object> campaign = Map.of("id", "cmp_1", "status", "completed", "contacts", 50,
                "outcomes", Map.of("answered", 30, "busy", 10, "no_answer", 10));
        dispatcher.campaignFinished(campaign, Optional.empty());
        dispatcher.close();
        outbox.close();
        openDispatcher(); // the event was on disk before any attempt

        assertThat(deliverDue()).isEqualTo(1);
        WebhookReceiver.Received got = receiver.all().getFirst();
        assertThat(got.type()).isEqualTo("campaign.completed");
        assertThat(got.signatureValid()).isTrue();
        assertThat(got.eventId()).isEqualTo("evt_cmp_1_campaign_completed");
        assertThat(got.body()).containsEntry("campaign_id", "cmp_1");
        assertThat((Map<String, Object>) got.body().get("data")).containsEntry("status", "completed")
                .containsEntry("contacts", 50);
    }

    @Test
    void a_5xx_is_retried_with_growing_delays_and_holds_back_the_call_s_later_events() throws Exception {
        receiver.answerNext(503, 500);
        CallRecord ringing = ringing("c_retry");
        dispatcher.onSaved(ringing);
        dispatcher.onSaved(ringing.withStatus(CallStatus.ANSWERED, clock.instant()));

        assertThat(deliverDue()).isEqualTo(1);
        Map<String, Object> first = dispatcher.deliveries("c_retry").get(0);
        assertThat(first).containsEntry("state", "pending").containsEntry("attempts", 1)
                .containsEntry("last_status", "503");
        // 5 s base, equal jitter at 0.5: 3.75 s
        assertThat(first.get("next_attempt_at")).isEqualTo(clock.instant().plusMillis(3750).toString());
        assertThat(dispatcher.deliveries("c_retry").get(1)).containsEntry("attempts", 0);

        assertThat(deliverDue()).as("nothing is due before the delay").isZero();
        clock.advance(Duration.ofMillis(3750));
        assertThat(deliverDue()).isEqualTo(1);
        assertThat(dispatcher.deliveries("c_retry").get(0)).containsEntry("last_status", "500")
                .containsEntry("next_attempt_at", clock.instant().plusMillis(7500).toString()); // 10 s base
        clock.advance(Duration.ofMillis(7500));
        deliverDue();
        deliverDue();

        assertThat(receiver.all()).extracting(WebhookReceiver.Received::type)
                .containsExactly("call.ringing", "call.ringing", "call.ringing", "call.answered");
        assertThat(dispatcher.deliveries("c_retry")).extracting(d -> d.get("state"), d -> d.get("attempts"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("delivered", 3),
                        org.assertj.core.groups.Tuple.tuple("delivered", 1));
        assertThat(count("retry")).isEqualTo(2);
        assertThat(count("delivered")).isEqualTo(2);
    }

    @Test
    void a_4xx_is_not_retried_but_408_and_429_are() throws Exception {
        receiver.answerNext(404, 429, 408);
        CallRecord ringing = ringing("c_4xx");
        dispatcher.onSaved(ringing);
        dispatcher.onSaved(ringing.withStatus(CallStatus.ANSWERED, clock.instant()));

        deliverDue();
        assertThat(dispatcher.deliveries("c_4xx").get(0)).containsEntry("state", "rejected")
                .containsEntry("last_status", "404").containsEntry("next_attempt_at", null);
        deliverDue(); // the next event goes at once: 429
        clock.advance(Duration.ofHours(1));
        deliverDue(); // 408
        clock.advance(Duration.ofHours(1));
        deliverDue(); // 200

        assertThat(dispatcher.deliveries("c_4xx").get(1)).containsEntry("state", "delivered")
                .containsEntry("attempts", 3);
        assertThat(count("rejected")).isEqualTo(1);
        assertThat(count("retry")).isEqualTo(2);
    }

    @Test
    void a_receiver_that_goes_away_for_an_hour_gets_every_event_in_order_when_it_comes_back() throws Exception {
        receiver.goAway();
        CallRecord ringing = ringing("c_away");
        dispatcher.onSaved(ringing);
        dispatcher.onSaved(endedAfterTalk(ringing, clock.instant()));
        dispatcher.onSaved(ringing("c_other"));

        for (int minute = 0; minute < 60; minute++) {
            deliverDue();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(dispatcher.deliveries("c_away").get(0)).containsEntry("state", "pending")
                .containsEntry("last_status", "connect_failed");
        int attempts = (int) dispatcher.deliveries("c_away").get(0).get("attempts");
        assertThat(attempts).as("backoff, not an attempt a minute").isBetween(5, 12);

        receiver.comeBack();
        clock.advance(Duration.ofHours(1)); // past any delay
        for (int round = 0; round < 4; round++) {
            deliverDue();
        }

        List<WebhookReceiver.Received> got = receiver.all();
        assertThat(got).extracting(r -> r.eventId()).containsExactlyInAnyOrder(
                "evt_c_away_ringing", "evt_c_away_answered", "evt_c_away_ended", "evt_c_other_ringing");
        assertThat(got.stream().filter(r -> r.eventId().startsWith("evt_c_away")).map(r -> r.type()))
                .containsExactly("call.ringing", "call.answered", "call.ended");
        assertThat(got).allMatch(WebhookReceiver.Received::signatureValid);
    }

    @Test
    void an_event_still_failing_after_24_hours_is_given_up_on_the_deadline() throws Exception {
        receiver.goAway();
        dispatcher.onSaved(ringing("c_expire"));
        Instant created = clock.instant();
        Instant lastAttempt = created;
        for (int i = 0; i < 200 && !dispatcher.deliveries("c_expire").get(0).get("state").equals("expired"); i++) {
            Map<String, Object> d = dispatcher.deliveries("c_expire").get(0);
            Instant due = Instant.parse((String) d.get("next_attempt_at"));
            if (due.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), due));
            }
            lastAttempt = clock.instant();
            deliverDue();
        }
        Map<String, Object> d = dispatcher.deliveries("c_expire").get(0);
        assertThat(d).containsEntry("state", "expired").containsEntry("next_attempt_at", null);
        assertThat(lastAttempt).isEqualTo(created.plus(Duration.ofHours(24)));
        // at 0.75 of each base: 3.75 s doubling ten times (3836 s in all), then 45 min apart (30 times),
        // then one on the deadline
        assertThat(d).containsEntry("attempts", 1 + 10 + 30 + 1);
        assertThat(count("expired")).isEqualTo(1);
        assertThat(outbox.pending()).isEmpty();
    }

    @Test
    void pending_events_survive_a_restart_and_delivered_ones_are_compacted_away() throws Exception {
        dispatcher.onSaved(ringing("c_done"));
        deliverDue();
        receiver.answerNext(503);
        CallRecord ringing = ringing("c_restart");
        dispatcher.onSaved(ringing);
        dispatcher.onSaved(endedAfterTalk(ringing, clock.instant()));
        deliverDue(); // c_restart's ringing: 503
        dispatcher.close();
        outbox.close();

        Path file = dataDir.resolve(WebhookOutbox.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        openDispatcher();
        assertThat(outbox.pending()).extracting(Delivery::id).containsExactly(
                "evt_c_restart_ringing", "evt_c_restart_answered", "evt_c_restart_ended");
        assertThat(Files.readAllLines(file)).hasSize(3).noneMatch(line -> line.contains("c_done"));
        assertThat(dispatcher.deliveries("c_restart").get(0)).containsEntry("attempts", 1)
                .containsEntry("last_status", "503");

        clock.advance(Duration.ofMinutes(1));
        for (int round = 0; round < 4; round++) {
            deliverDue();
        }
        assertThat(receiver.all()).extracting(WebhookReceiver.Received::eventId).containsExactly(
                "evt_c_done_ringing", "evt_c_restart_ringing", "evt_c_restart_ringing", "evt_c_restart_answered",
                "evt_c_restart_ended");
        assertThat(outbox.pending()).isEmpty();
    }

    @Test
    void a_call_s_own_callback_url_wins_and_a_call_with_none_and_no_default_sends_nothing() throws Exception {
        try (WebhookReceiver own = new WebhookReceiver(SECRET, clock)) {
            StartCallRequest base = TestCalls.request("79990001122");
            StartCallRequest withUrl = new StartCallRequest(base.phoneNumber(), base.firstMessage(), base.prompt(),
                    base.language(), Map.of(), Map.of(), Optional.of(own.url()), Optional.empty());
            dispatcher.onSaved(CallRecord.dialing("c_own", CallMode.SIP, withUrl, clock.instant())
                    .withStatus(CallStatus.RINGING, clock.instant()));
            deliverDue();
            assertThat(own.next().eventId()).isEqualTo("evt_c_own_ringing");
            assertThat(receiver.all()).isEmpty();
        }
        WebhookOutbox quiet = WebhookOutbox.open(dataDir.resolve("quiet"), clock);
        try (WebhookDispatcher noDefault = new WebhookDispatcher(Optional.empty(), Optional.of(Secret.of(SECRET)),
                quiet, (url, headers, body) -> {
                    throw new AssertionError("nothing to send");
                }, Backoff.DEFAULT, clock, HALF, new ServiceMetrics())) {
            noDefault.onSaved(ringing("c_none"));
            assertThat(noDefault.deliverDue()).isEmpty();
            assertThat(noDefault.deliveries("c_none")).isEmpty();
        } finally {
            quiet.close();
        }
    }

    @Test
    void a_call_that_ended_before_this_run_makes_no_events_when_it_is_saved_again() throws Exception {
        Instant before = clock.instant().minusSeconds(60);
        CallRecord old = CallRecord.dialing("c_old", CallMode.SIP, TestCalls.request("79990001122"), before)
                .withStatus(CallStatus.RINGING, before).withEnd(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.SYSTEM), before);
        dispatcher.onSaved(old.withEvent(Map.of("source", "exolve", "type", "crr")));
        assertThat(dispatcher.deliverDue()).isEmpty();
        assertThat(dispatcher.deliveries("c_old")).isEmpty();
    }

    private long count(String result) {
        return metrics.webhookDeliveries.value(result);
    }
}
