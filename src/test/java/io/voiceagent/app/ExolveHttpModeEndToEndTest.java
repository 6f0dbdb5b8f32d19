package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.app.exolve.ExolveSipPeer;
import io.voiceagent.app.exolve.FakeExolveCallApi;
import io.voiceagent.app.exolve.PeerCall;
import io.voiceagent.app.exolve.PeerPhone;
import io.voiceagent.app.exolve.SipText;
import io.voiceagent.config.ConfigLoader;
import io.voiceagent.demo.agent.FakeAgentOptions;
import io.voiceagent.demo.agent.FakeConversation;
import io.voiceagent.demo.agent.FakeElevenLabsAgent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service in Exolve HTTP mode, wired by {@link Module} as in production, against a fake
 * Exolve (its REST API, and its SIP side: the registrar that then delivers the call's audio leg as
 * an inbound INVITE) and the fake ElevenLabs agent, all over real loopback sockets: MakeCallback, the
 * inbound INVITE matched to the pending call, RTP both ways through the agent, BYE either way, and
 * Exolve's webhooks applied to the real call records.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@Tag("slow")
class ExolveHttpModeEndToEndTest {
    private static final String API_KEY = "exolve-test-key-7f3a";
    private static final String SOURCE_NUMBER = "74951234567";
    /** EXOLVE_CALL_METHOD's default. */
    private static final String PLACE_CALL = "/call/v1/MakeCallback";
    private static final String SIP_LOGIN = "883140000000777";
    private static final String SIP_DOMAIN = "sip.exolve.ru";
    private static final String WEBHOOK_SECRET = "whsec-e2e-41c9";
    private static final String AGENT_ID = "exolve-e2e-agent";
    private static final Duration CALL_STEP = Duration.ofSeconds(10);

    @TempDir
    static Path dataDir;

    private static FakeExolveCallApi exolve;
    private static ExolveSipPeer sipPeer;
    private static FakeElevenLabsAgent agent;
    private static Module module;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<String> startedCalls = new ArrayList<>();
    private final List<PeerCall> peerCalls = new ArrayList<>();

    @BeforeAll
    static void startServiceAgainstFakeExolve() throws Exception {
        exolve = FakeExolveCallApi.start(API_KEY, Long.parseLong(SOURCE_NUMBER), SIP_LOGIN);
        sipPeer = ExolveSipPeer.start(SIP_DOMAIN);
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder()
                .agentId(AGENT_ID).apiKey("xi-e2e-key").build());
        module = Module.start(ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 1_000, Map.ofEntries(
                Map.entry("SIP_SERVER", sipPeer.serverAddress()),
                Map.entry("SIP_DOMAIN", SIP_DOMAIN),
                Map.entry("SIP_LOGIN", SIP_LOGIN),
                Map.entry("SIP_PASSWORD", "sip-secret"),
                Map.entry("USE_EXOLVE_HTTP", "true"),
                Map.entry("EXOLVE_API_URL", exolve.baseUrl().toString()),
                Map.entry("EXOLVE_API_KEY", API_KEY),
                Map.entry("EXOLVE_SOURCE_NUMBER", "+" + SOURCE_NUMBER),
                Map.entry("EXOLVE_WEBHOOK_SECRET", WEBHOOK_SECRET),
                Map.entry("ELEVENLABS_AGENT_ID", AGENT_ID),
                Map.entry("ELEVENLABS_API_KEY", "xi-e2e-key"),
                Map.entry("ELEVENLABS_WS_URL", agent.webSocketUri().toString()),
                Map.entry("ELEVENLABS_API_URL", agent.apiUri().toString())))));
        sipPeer.awaitRegistration(CALL_STEP);
    }

    @AfterAll
    static void stopEverything() {
        if (module != null) {
            module.close();
        }
        if (sipPeer != null) {
            sipPeer.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (exolve != null) {
            exolve.close();
        }
    }

    /** No call of one test may stay pending: the next INVITE would be matched to it. */
    @AfterEach
    void endWhatThisTestStarted() throws Exception {
        exolve.routeCallsTo(call -> { });
        exolve.acceptOnlyKey(API_KEY);
        exolve.releaseMakeCallAnswers();
        for (String id : startedCalls) {
            Map<String, Object> call = get("/api/calls/" + id);
            if (call.get("ended_at") == null) {
                send("POST", "/api/calls/hangup", "{\"call_id\":\"" + id + "\"}");
                awaitEnded(id);
            }
        }
        peerCalls.forEach(PeerCall::close);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCallPlacedThroughExolveArrivesAsAnInviteAndTalksToTheAgentBothWays() throws Exception {
        CompletableFuture<PeerCall> leg = routeCallsToThePeer();
        int makeCallsBefore = exolve.received(PLACE_CALL).size();

        Map<String, Object> started = startCall("+7 999 123-45-67");

        assertThat(started.get("status")).isEqualTo("dialing");
        assertThat(started.get("mode")).isEqualTo("exolve_http");
        FakeExolveCallApi.Received makeCall = exolve.awaitReceived(PLACE_CALL, makeCallsBefore + 1, CALL_STEP)
                .get(makeCallsBefore);
        assertThat(makeCall.method()).isEqualTo("POST");
        assertThat(makeCall.authorization()).isEqualTo("Bearer " + API_KEY);
        assertThat(makeCall.contentType()).startsWith("application/json");
        assertThat(makeCall.body()).isEqualTo(Map.of(
                "number_code", Long.parseLong(SOURCE_NUMBER),
                "line_1", Map.of("destinations", List.of(Map.of("number", "79991234567", "timeout", 30)),
                        "display_number", SOURCE_NUMBER),
                "line_2", Map.of("destinations", List.of(Map.of("number", SIP_LOGIN, "timeout", 30)),
                        "display_number", "79991234567")));

        PeerCall peerCall = track(leg.get(CALL_STEP.toSeconds(), TimeUnit.SECONDS));
        SipText ok = peerCall.awaitFinalResponse(CALL_STEP);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.header("Content-Type")).hasValue("application/sdp");
        assertThat(ok.body()).containsPattern("m=audio [0-9]+ RTP/AVP 8( 101)?\r\n");
        assertThat(peerCall.provisionalStatuses()).contains(100);

        String id = (String) started.get("id");
        Map<String, Object> answered = awaitStatus(id, List.of("answered", "completed", "failed"));
        assertThat(answered.get("status")).as(answered.toString()).isEqualTo("answered");
        assertThat(answered.get("exolve_call_id")).isEqualTo(Long.toString(exolve.placed().getLast().callId()));
        assertThat(answered.get("sip_call_id")).isEqualTo(peerCall.callId());
        assertThat(answered.get("answered_at")).isNotNull();

        // The agent greets, hears the phone's phrase, replies and ends the call: the service sends BYE.
        SipText bye = peerCall.awaitBye(Duration.ofSeconds(30));
        assertThat(bye.callId()).isEqualTo(peerCall.callId());
        Map<String, Object> ended = awaitEnded(id);
        assertThat(ended.get("status")).as(ended.toString()).isEqualTo("completed");
        assertThat(ended.get("hangup_by")).isEqualTo("agent");
        assertThat(ended.get("conversation_id")).asString().startsWith("conv_");

        List<Map<String, Object>> transcript = (List<Map<String, Object>>) ended.get("transcript");
        assertThat(transcript).extracting(line -> line.get("role")).containsExactly("agent", "user", "agent");
        assertThat((String) transcript.get(0).get("text")).contains("voiceagent demo");
        assertThat(transcript.get(1).get("text")).isEqualTo(agent.options().userTranscript());
        assertThat(transcript.get(2).get("text")).isEqualTo(agent.options().replyText());

        Map<String, Object> media = (Map<String, Object>) ended.get("media");
        assertThat(((Number) media.get("rtp_packets_in")).longValue()).isGreaterThan(100);
        assertThat(((Number) media.get("rtp_packets_out")).longValue()).isGreaterThan(100);
        assertThat(((Number) media.get("ai_audio_sent_ms")).longValue()).isGreaterThan(1_000);
        assertThat(((Number) media.get("ai_audio_received_ms")).longValue()).isGreaterThan(1_000);

        PeerPhone phone = peerCall.phone();
        assertThat(phone.phraseSpoken()).isTrue();
        assertThat(phone.payloadTypesReceived()).containsExactly(PeerPhone.PCMA);
        // The greeting (4.5 s) and the reply (1.9 s) are mostly speech: well over 100 loud 20 ms frames.
        assertThat(phone.speechPacketsReceived()).isGreaterThan(100);
        assertThat(phone.packetsReceived()).isGreaterThan(phone.speechPacketsReceived());
    }

    @Test
    void aHangupThroughTheApiSendsByeOnTheExolveLeg() throws Exception {
        CompletableFuture<PeerCall> leg = routeCallsToThePeer();
        String id = (String) startCall("+79997654321").get("id");
        PeerCall peerCall = track(leg.get(CALL_STEP.toSeconds(), TimeUnit.SECONDS));
        assertThat(peerCall.awaitFinalResponse(CALL_STEP).status()).isEqualTo(200);
        assertThat(awaitStatus(id, List.of("answered", "completed", "failed")).get("status")).isEqualTo("answered");

        Map<String, Object> hungUp = send("POST", "/api/calls/hangup", "{\"call_id\":\"" + id + "\"}").body();

        assertThat(hungUp.get("status")).isEqualTo("completed");
        assertThat(hungUp.get("hangup_by")).isEqualTo("us");
        assertThat(hungUp.get("hangup_cause")).isEqualTo("local_hangup");
        SipText bye = peerCall.awaitBye(CALL_STEP);
        assertThat(bye.callId()).isEqualTo(peerCall.callId());
        assertThat(bye.header("CSeq").orElseThrow()).endsWith("BYE");
        assertThat(hangUpsAtExolve(exolve.placed().getLast().callId()))
                .as("the SIP leg exists, so BYE is the hang-up").isEmpty();
    }

    @Test
    void anInviteThatBelongsToNoPendingCallIsRejectedWith480() throws Exception {
        PeerCall stray = track(sipPeer.originate(SOURCE_NUMBER, "79990000000"));

        SipText answer = stray.awaitFinalResponse(CALL_STEP);

        assertThat(answer.status()).isEqualTo(480);
        assertThat(SipText.tag(answer.header("To").orElseThrow())).isPresent();
    }

    @Test
    void aMakeCallRejectedWith401FailsTheCallAsProviderAuth() throws Exception {
        exolve.acceptOnlyKey("a-key-issued-after-ours-was-revoked");
        int makeCallsBefore = exolve.received(PLACE_CALL).size();

        String id = (String) startCall("+79991112233").get("id");
        Map<String, Object> failed = awaitEnded(id);

        assertThat(failed.get("status")).isEqualTo("failed");
        assertThat(failed.get("hangup_cause")).isEqualTo("provider_auth");
        assertThat(failed.get("exolve_call_id")).isNull();
        List<FakeExolveCallApi.Received> makeCalls = exolve.received(PLACE_CALL);
        assertThat(makeCalls).as("a rejected key is not retried").hasSize(makeCallsBefore + 1);
        assertThat(makeCalls.getLast().authorization()).isEqualTo("Bearer " + API_KEY);
    }

    @Test
    @SuppressWarnings("unchecked")
    void webhookEventsMoveThePendingCallAlongOnceEach() throws Exception {
        String id = (String) startCall("+79993334455").get("id");
        String exolveId = awaitExolveCallId(id);

        assertThat(webhook(event(exolveId, "b", "2026-11-25T20:00:00Z")).statusCode()).isEqualTo(200);
        Map<String, Object> ringing = get("/api/calls/" + id);
        assertThat(ringing.get("status")).isEqualTo("ringing");
        assertThat(ringing.get("ringing_at")).isNotNull();

        HttpResponse<String> again = webhook(event(exolveId, "b", "2026-11-25T20:00:00Z"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.std.mapFrom(again.body())).containsEntry("status", "duplicate");
        assertThat(exolveEvents(get("/api/calls/" + id))).hasSize(1);

        assertThat(webhook(event(exolveId, "s", "2026-11-25T20:00:04Z")).statusCode()).isEqualTo(200);
        assertThat(get("/api/calls/" + id).get("status")).as("answered comes with our SIP leg").isEqualTo("ringing");

        String ended = "{\"call_id\":" + exolveId + ",\"type\":\"d\",\"duration\":0,\"cause_code\":19,"
                + "\"from\":\"" + SOURCE_NUMBER + "\",\"to\":\"79993334455\",\"date_time\":\"2026-11-25T20:00:30Z\","
                + "\"region\":\"77\"}";
        assertThat(webhook(ended).statusCode()).isEqualTo(200);
        Map<String, Object> done = awaitEnded(id);
        assertThat(done.get("status")).isEqualTo("no_answer");
        assertThat(done.get("hangup_cause")).isEqualTo("provider_hangup");
        assertThat(done.get("hangup_by")).isEqualTo("remote");
        assertThat(done.get("ended_at")).isNotNull();

        HttpResponse<String> lateRepeat = webhook(ended);
        assertThat(lateRepeat.statusCode()).isEqualTo(200);
        assertThat(JSON.std.mapFrom(lateRepeat.body())).containsEntry("status", "duplicate");
        List<Map<String, Object>> events = exolveEvents(get("/api/calls/" + id));
        assertThat(events).extracting(e -> e.get("type")).containsExactly("b", "s", "d");
        assertThat(events.getLast()).containsEntry("region", "77").containsEntry("cause_code", 19);
        assertThat(hangUpsAtExolve(Long.parseLong(exolveId))).as("Exolve ended it itself").isEmpty();
    }

    @Test
    void aWebhookForACallWeDoNotKnowIsAcceptedWith202() throws Exception {
        HttpResponse<String> response = webhook(event("9999999999999", "b", "2026-11-25T20:00:00Z"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(JSON.std.mapFrom(response.body())).containsEntry("status", "unknown_call");
    }

    @Test
    void aWebhookWithoutTheRightSecretIsRejectedAndChangesNothing() throws Exception {
        String id = (String) startCall("+79995556677").get("id");
        String exolveId = awaitExolveCallId(id);
        String body = event(exolveId, "b", "2026-11-25T20:00:00Z");

        HttpResponse<String> wrongKey = post("/webhooks/exolve/callback?key=not-the-secret", body, Map.of());
        HttpResponse<String> wrongHeader = post("/webhooks/exolve/callback", body,
                Map.of("X-Webhook-Secret", "not-the-secret"));
        HttpResponse<String> none = post("/webhooks/exolve/callback", body, Map.of());

        assertThat(List.of(wrongKey.statusCode(), wrongHeader.statusCode(), none.statusCode()))
                .containsOnly(401);
        Map<String, Object> untouched = get("/api/calls/" + id);
        assertThat(untouched.get("status")).isEqualTo("dialing");
        assertThat(exolveEvents(untouched)).isEmpty();

        HttpResponse<String> byHeader = post("/webhooks/exolve/callback", body,
                Map.of("X-Webhook-Secret", WEBHOOK_SECRET));
        assertThat(byHeader.statusCode()).isEqualTo(200);
        assertThat(get("/api/calls/" + id).get("status")).isEqualTo("ringing");
    }

    @Test
    void aHangupBeforeTheAudioLegArrivesEndsTheCallAtExolve() throws Exception {
        String id = (String) startCall("+79998887766").get("id");
        String exolveId = awaitExolveCallId(id);
        int hangUpsBefore = exolve.received("/call/v1/HangUp").size();

        Map<String, Object> canceled = send("POST", "/api/calls/hangup", "{\"call_id\":\"" + id + "\"}").body();

        assertThat(canceled.get("status")).isEqualTo("canceled");
        List<FakeExolveCallApi.Received> hangUps = exolve.awaitReceived("/call/v1/HangUp", hangUpsBefore + 1,
                CALL_STEP);
        assertThat(hangUps).hasSize(hangUpsBefore + 1);
        assertThat(hangUps.getLast().authorization()).isEqualTo("Bearer " + API_KEY);
        assertThat(String.valueOf(hangUps.getLast().body().get("call_id"))).isEqualTo(exolveId);
    }

    @Test
    void aHangupWhileMakeCallIsStillInFlightEndsTheCallAtExolveOnceItIsPlaced() throws Exception {
        exolve.holdMakeCallAnswers();
        int placedBefore = exolve.placed().size();
        String id = (String) startCall("+79996665544").get("id");
        // Placed at Exolve, but its answer (the call's id) held back until released below.
        long exolveId = exolve.awaitPlaced(placedBefore + 1, CALL_STEP).get(placedBefore).callId();

        Map<String, Object> canceled = send("POST", "/api/calls/hangup", "{\"call_id\":\"" + id + "\"}").body();

        assertThat(canceled.get("status")).isEqualTo("canceled");
        assertThat(get("/api/calls/" + id).get("exolve_call_id")).as("MakeCall has not answered yet").isNull();
        exolve.releaseMakeCallAnswers();
        long deadline = System.nanoTime() + CALL_STEP.toNanos();
        while (hangUpsAtExolve(exolveId).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hangUpsAtExolve(exolveId)).as("Exolve would otherwise go on ringing the callee").hasSize(1);
    }

    @Test
    void theInviteGoesToThePendingCallWhoseNumberItAssertsNotToTheOldest() throws Exception {
        String older = (String) startCall("+79990001111").get("id");
        String newer = (String) startCall("+79990002222").get("id");
        awaitExolveCallId(older);
        awaitExolveCallId(newer);

        PeerCall leg = track(sipPeer.originate(SOURCE_NUMBER, "79990002222"));

        assertThat(leg.awaitFinalResponse(CALL_STEP).status()).isEqualTo(200);
        Map<String, Object> answered = awaitStatus(newer, List.of("answered", "completed", "failed"));
        assertThat(answered.get("status")).isEqualTo("answered");
        assertThat(answered.get("sip_call_id")).isEqualTo(leg.callId());
        Map<String, Object> stillPending = get("/api/calls/" + older);
        assertThat(stillPending.get("status")).isEqualTo("dialing");
        assertThat(stillPending.get("sip_call_id")).isNull();
    }

    @Test
    void exolveReportingTheEndOfAnAnsweredCallCompletesIt() throws Exception {
        CompletableFuture<PeerCall> leg = routeCallsToThePeer();
        String id = (String) startCall("+79994443322").get("id");
        PeerCall peerCall = track(leg.get(CALL_STEP.toSeconds(), TimeUnit.SECONDS));
        assertThat(peerCall.awaitFinalResponse(CALL_STEP).status()).isEqualTo(200);
        assertThat(awaitStatus(id, List.of("answered", "completed", "failed")).get("status")).isEqualTo("answered");
        String exolveId = awaitExolveCallId(id);

        assertThat(webhook(event(exolveId, "s", "2026-11-25T20:00:02Z")).statusCode()).isEqualTo(200);
        assertThat(get("/api/calls/" + id).get("status")).isEqualTo("answered");
        assertThat(webhook("{\"call_id\":" + exolveId + ",\"type\":\"d\",\"duration\":3,\"cause_code\":16}")
                .statusCode()).isEqualTo(200);

        Map<String, Object> ended = awaitEnded(id);
        assertThat(ended.get("status")).isEqualTo("completed");
        assertThat(ended.get("hangup_cause")).isEqualTo("provider_hangup");
        assertThat(ended.get("hangup_by")).isEqualTo("remote");
        assertThat(exolveEvents(ended)).extracting(e -> e.get("type")).containsExactly("s", "d");
        // Our side of the dialog is not left up on the provider's word alone: the service sends BYE.
        assertThat(peerCall.awaitBye(CALL_STEP).callId()).isEqualTo(peerCall.callId());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTransferInHttpModeIsPlacedWithMakeCallAndItsInviteIsBridgedToTheCaller() throws Exception {
        String person = "79990007777";
        CompletableFuture<PeerCall> customerLeg = new CompletableFuture<>();
        CompletableFuture<PeerCall> personLeg = new CompletableFuture<>();
        exolve.routeCallsTo(placed -> originate(placed, placed.customer().equals(person) ? personLeg : customerLeg));
        String id = (String) startCall("+79995550011").get("id");
        PeerCall customer = track(customerLeg.get(CALL_STEP.toSeconds(), TimeUnit.SECONDS));
        assertThat(customer.awaitFinalResponse(CALL_STEP).status()).isEqualTo(200);
        awaitTheAgentSpeaking(id, customer);
        int makeCallsBefore = exolve.received(PLACE_CALL).size();

        Response started = send("POST", "/api/calls/" + id + "/transfer", "{\"to\":\"+" + person + "\"}");

        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        FakeExolveCallApi.Received makeCall = exolve.awaitReceived(PLACE_CALL, makeCallsBefore + 1, CALL_STEP)
                .get(makeCallsBefore);
        assertThat(makeCall.authorization()).isEqualTo("Bearer " + API_KEY);
        assertThat(makeCall.body()).as("placed as a call is: the person on line_1, our SIP ID on line_2")
                .containsEntry("line_1", Map.of("destinations", List.of(Map.of("number", person, "timeout", 30)),
                        "display_number", SOURCE_NUMBER))
                .containsEntry("line_2", Map.of("destinations", List.of(Map.of("number", SIP_LOGIN, "timeout", 30)),
                        "display_number", person));
        PeerCall personCall = track(personLeg.get(CALL_STEP.toSeconds(), TimeUnit.SECONDS));
        SipText ok = personCall.awaitFinalResponse(CALL_STEP);
        assertThat(ok.status()).as("the person leg's INVITE is answered, not rejected as a stray").isEqualTo(200);
        assertThat(ok.body()).containsPattern("m=audio [0-9]+ RTP/AVP 8( 101)?\r\n");
        Map<String, Object> transfer = awaitTransferOutcome(id);
        assertThat(transfer).containsEntry("outcome", "answered").containsEntry("target", person)
                .containsEntry("mode", "bridge").containsEntry("requested_by", "api");
        Map<String, Object> bridged = get("/api/calls/" + id);
        assertThat(bridged.get("status")).isEqualTo("answered");
        assertThat(bridged.get("sip_call_id")).as("the call keeps its own leg").isEqualTo(customer.callId());

        // Both ways: the caller's phrase reaches the person, whose own phrase (said once the caller's
        // ended) reaches the caller. The agent, closed at the answer, takes no part.
        int callerHeardAtAnswer = customer.phone().speechPacketsReceived();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(personCall.phone().phraseSpoken()
                && customer.phone().speechPacketsReceived() > callerHeardAtAnswer + 40)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(personCall.phone().speechPacketsReceived()).as("the caller's phrase at the person").isGreaterThan(40);
        assertThat(personCall.phone().payloadTypesReceived()).containsExactly(PeerPhone.PCMA);
        assertThat(customer.phone().speechPacketsReceived() - callerHeardAtAnswer)
                .as("the person's phrase at the caller").isGreaterThan(40);

        personCall.hangup(CALL_STEP);

        assertThat(customer.awaitBye(CALL_STEP).callId()).isEqualTo(customer.callId());
        Map<String, Object> ended = awaitEnded(id);
        assertThat(ended.get("status")).isEqualTo("completed");
        assertThat(ended.get("hangup_cause")).isEqualTo("transferred");
        assertThat(ended.get("hangup_by")).isEqualTo("remote");
        assertThat((Map<String, Object>) ended.get("transfer")).containsEntry("outcome", "answered")
                .containsKey("person_seconds");
        long personExolveId = placedTo(person).callId();
        assertThat(hangUpsAtExolve(personExolveId)).as("the person's leg was up: BYE was its hang-up").isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBusyPersonReportedByExolveBeforeAnyInviteGivesTheCallerBackToTheAgent() throws Exception {
        String person = "79990008888";
        CompletableFuture<PeerCall> customerLeg = new CompletableFuture<>();
        // Exolve rings the person, who is busy: no INVITE ever comes for that leg, only the webhook.
        exolve.routeCallsTo(placed -> {
            if (!placed.customer().equals(person)) {
                originate(placed, customerLeg);
            }
        });
        String id = (String) startCall("+79995550022").get("id");
        PeerCall customer = track(customerLeg.get(CALL_STEP.toSeconds(), TimeUnit.SECONDS));
        assertThat(customer.awaitFinalResponse(CALL_STEP).status()).isEqualTo(200);
        String conversationId = awaitTheAgentSpeaking(id, customer);

        assertThat(send("POST", "/api/calls/" + id + "/transfer", "{\"to\":\"" + person + "\"}").status())
                .isEqualTo(202);
        String personExolveId = Long.toString(awaitPlacedTo(person));
        // Until MakeCall's answer has reached the service the id is unknown (202); Exolve's 'b' follows it.
        HttpResponse<String> ringing = webhook(event(personExolveId, "b", "2026-11-25T20:00:00Z"));
        long deadline = System.nanoTime() + CALL_STEP.toNanos();
        while (ringing.statusCode() == 202 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            ringing = webhook(event(personExolveId, "b", "2026-11-25T20:00:00Z"));
        }
        assertThat(ringing.statusCode()).isEqualTo(200);
        assertThat(((Map<String, Object>) get("/api/calls/" + id).get("transfer")).get("outcome")).isEqualTo("ringing");

        String busy = "{\"call_id\":" + personExolveId + ",\"type\":\"d\",\"duration\":0,\"cause_code\":17}";
        HttpResponse<String> ended = webhook(busy);

        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(JSON.std.mapFrom(ended.body())).containsEntry("status", "applied");
        Map<String, Object> transfer = awaitTransferOutcome(id);
        assertThat(transfer).containsEntry("outcome", "busy").containsEntry("target", person);
        assertThat((String) transfer.get("reason")).contains("busy");
        assertThat(JSON.std.mapFrom(webhook(busy).body())).containsEntry("status", "duplicate");
        Map<String, Object> afterBusy = get("/api/calls/" + id);
        assertThat(afterBusy.get("status")).as("the call goes on").isEqualTo("answered");
        assertThat(((List<Map<String, Object>>) afterBusy.get("events")).stream()
                .filter(e -> "person".equals(e.get("leg"))).map(e -> e.get("type")).toList())
                .as("the person leg's events are on the call, once each").containsExactly("b", "d");
        assertThat(get("/api/calls/" + id).get("exolve_call_id")).as("the call keeps its own Exolve id")
                .isNotEqualTo(personExolveId);
        FakeConversation conversation = agent.conversations().stream()
                .filter(c -> c.conversationId().equals(conversationId)).findFirst().orElseThrow();
        assertThat(conversation.awaitUntil(c -> c.contextualUpdates().stream()
                .anyMatch(u -> u.contains("did not go through: busy")), CALL_STEP)).isTrue();

        // Back with the agent: the caller's phrase reaches it, it replies and ends the call itself.
        Map<String, Object> done = awaitEnded(id);
        assertThat(done.get("status")).isEqualTo("completed");
        assertThat(done.get("hangup_by")).isEqualTo("agent");
        assertThat((List<Map<String, Object>>) done.get("transcript")).extracting(line -> line.get("role"))
                .contains("user");
        assertThat(hangUpsAtExolve(Long.parseLong(personExolveId))).as("Exolve ended that leg itself").isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    /** Exolve connects each placed call to our SIP ID: the peer INVITEs the registered Contact. */
    private CompletableFuture<PeerCall> routeCallsToThePeer() {
        CompletableFuture<PeerCall> leg = new CompletableFuture<>();
        exolve.routeCallsTo(placed -> {
            try {
                leg.complete(sipPeer.originate(placed.shownToOurLeg(), placed.customer()));
            } catch (Exception e) {
                leg.completeExceptionally(e);
            }
        });
        return leg;
    }

    /** Exolve connects {@code placed} to our SIP ID: the peer INVITEs the registered Contact. */
    private static void originate(FakeExolveCallApi.PlacedCall placed, CompletableFuture<PeerCall> leg) {
        try {
            leg.complete(sipPeer.originate(placed.shownToOurLeg(), placed.customer()));
        } catch (Exception e) {
            leg.completeExceptionally(e);
        }
    }

    /** Waits until the call's agent is up and its greeting is heard on the phone; returns the conversation id. */
    private static String awaitTheAgentSpeaking(String id, PeerCall phone) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> call = get("/api/calls/" + id);
        while (!("answered".equals(call.get("status")) && call.get("conversation_id") != null
                && phone.phone().speechPacketsReceived() > 0)) {
            assertThat(System.nanoTime()).as("the agent greets in time: " + call).isLessThan(deadline);
            Thread.sleep(20);
            call = get("/api/calls/" + id);
        }
        return (String) call.get("conversation_id");
    }

    /** The call's transfer once it has an outcome (not {@code ringing}). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitTransferOutcome(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> transfer = (Map<String, Object>) get("/api/calls/" + id).get("transfer");
        while ((transfer == null || "ringing".equals(transfer.get("outcome"))) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            transfer = (Map<String, Object>) get("/api/calls/" + id).get("transfer");
        }
        assertThat(transfer).isNotNull();
        return transfer;
    }

    private static FakeExolveCallApi.PlacedCall placedTo(String number) {
        return exolve.placed().stream().filter(p -> p.customer().equals(number)).reduce((a, b) -> b).orElseThrow();
    }

    /** Exolve's id for the call placed to {@code number}, once MakeCall has placed it. */
    private static long awaitPlacedTo(String number) throws Exception {
        long deadline = System.nanoTime() + CALL_STEP.toNanos();
        while (exolve.placed().stream().noneMatch(p -> p.customer().equals(number)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return placedTo(number).callId();
    }

    private static List<FakeExolveCallApi.Received> hangUpsAtExolve(long exolveCallId) {
        return exolve.received("/call/v1/HangUp").stream()
                .filter(r -> String.valueOf(r.body().get("call_id")).equals(Long.toString(exolveCallId)))
                .toList();
    }

    private PeerCall track(PeerCall call) {
        peerCalls.add(call);
        return call;
    }

    private Map<String, Object> startCall(String number) throws Exception {
        Response started = send("POST", "/api/calls/start", "{\"phone_number\":\"" + number + "\"}");
        assertThat(started.status()).as(started.body().toString()).isBetween(200, 299);
        startedCalls.add((String) started.body().get("id"));
        return started.body();
    }

    private String awaitExolveCallId(String id) throws Exception {
        long deadline = System.nanoTime() + CALL_STEP.toNanos();
        Map<String, Object> call = get("/api/calls/" + id);
        while (call.get("exolve_call_id") == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
            call = get("/api/calls/" + id);
        }
        assertThat(call.get("exolve_call_id")).as(call.toString()).isNotNull();
        return (String) call.get("exolve_call_id");
    }

    private static String event(String exolveCallId, String type, String at) {
        return "{\"call_id\":\"" + exolveCallId + "\",\"type\":\"" + type + "\",\"from\":\"" + SOURCE_NUMBER
                + "\",\"date_time\":\"" + at + "\"}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> exolveEvents(Map<String, Object> call) {
        return ((List<Map<String, Object>>) call.get("events")).stream()
                .filter(e -> e.containsKey("call_id"))
                .toList();
    }

    private static HttpResponse<String> webhook(String body) throws Exception {
        return post("/webhooks/exolve/callback?key=" + WEBHOOK_SECRET, body, Map.of());
    }

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(CALL_STEP)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Response(int status, Map<String, Object> body) {
    }

    private static Response send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = post(path, body, Map.of());
        return new Response(response.statusCode(), JSON.std.mapFrom(response.body()));
    }

    private static Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(CALL_STEP).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.std.mapFrom(response.body());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + module.httpPort() + path);
    }

    private static Map<String, Object> awaitStatus(String id, List<String> statuses) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> call = get("/api/calls/" + id);
        while (!statuses.contains((String) call.get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            call = get("/api/calls/" + id);
        }
        return call;
    }

    private static Map<String, Object> awaitEnded(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> call = get("/api/calls/" + id);
        while (call.get("ended_at") == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
            call = get("/api/calls/" + id);
        }
        assertThat(call.get("ended_at")).as(call.toString()).isNotNull();
        return call;
    }
}
