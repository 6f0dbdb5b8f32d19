package io.voiceagent.cli;

import static io.voiceagent.cli.FakeServiceApi.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CliTest {
    private static final String TOKEN = "cli-token-77aa";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<Config> started = new AtomicReference<>();
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> dotEnv = new HashMap<>();
    private FakeServiceApi service;

    @BeforeEach
    void open() throws Exception {
        service = new FakeServiceApi(TOKEN);
        env.put("HTTP_PORT", Integer.toString(service.port()));
        env.put("API_TOKEN", TOKEN);
    }

    @AfterEach
    void close() {
        service.close();
    }

    private int run(String... args) {
        Cli cli = new Cli(config -> {
            started.set(config);
            return 0;
        }, () -> new ConfigLoader.Variables(env, dotEnv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofMillis(5), false);
        return cli.run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsOrAnUnknownCommandIsUsage() {
        assertThat(run()).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("Usage: voiceagent COMMAND").contains("hangup");
        assertThat(run("dial")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("unknown command 'dial'");
    }

    @Test
    void everyCommandHasHelp() {
        for (Command command : Command.values()) {
            out.reset();
            assertThat(run(command.word(), "--help")).isEqualTo(Cli.OK);
            assertThat(out()).startsWith("Usage: voiceagent " + command.word());
            out.reset();
            assertThat(run("help", command.word())).isEqualTo(Cli.OK);
            assertThat(out()).startsWith("Usage: voiceagent " + command.word());
        }
        assertThat(run("--help")).isEqualTo(Cli.OK);
        assertThat(started.get()).isNull();
    }

    @Test
    void versionNamesTheProgram() {
        assertThat(run("version")).isEqualTo(Cli.OK);
        assertThat(out()).startsWith("voiceagent ");
    }

    @Test
    void startHandsTheConfigToTheServiceAndDemoForcesTheDemoNetwork() {
        env.put("SIP_LOGIN", "user");
        env.put("SIP_PASSWORD", "pw");
        env.put("ELEVENLABS_AGENT_ID", "agent_1");
        assertThat(run("start")).isEqualTo(Cli.OK);
        assertThat(started.get().demo()).isFalse();
        assertThat(run("demo")).isEqualTo(Cli.OK);
        assertThat(started.get().demo()).isTrue();
    }

    @Test
    void startWithABadConfigListsEveryProblemAndExits2() {
        env.put("HTTP_PORT", "eighty");
        env.put("SIP_LOGIN", "user");
        assertThat(run("start")).isEqualTo(Cli.USAGE);
        assertThat(started.get()).isNull();
        assertThat(err()).contains("HTTP_PORT=eighty").contains("missing SIP_PASSWORD");
        assertThat(run("start", "now")).isEqualTo(Cli.USAGE);
    }

    @Test
    void startAndConfigWarnAboutUnknownVariablesNamingTheClosestKnownOne() {
        dotEnv.put("HTTP_PROT", "8001");
        env.put("LOG_LEVLE", "DEBUG");
        env.put("SIP_COLOUR", "blue");
        env.put("EDITOR", "vi");
        env.put("HTTP_PROXY", "http://proxy.local:3128");
        assertThat(run("start")).isEqualTo(Cli.OK);
        assertThat(err().lines().toList()).containsExactly(
                "voiceagent: warning: HTTP_PROT (in .env) is not a voiceagent variable and is ignored;"
                        + " did you mean HTTP_PORT?",
                "voiceagent: warning: LOG_LEVLE (in the environment) is not a voiceagent variable and is ignored;"
                        + " did you mean LOG_LEVEL?",
                "voiceagent: warning: SIP_COLOUR (in the environment) is not a voiceagent variable and is ignored");
        err.reset();
        assertThat(run("config")).isEqualTo(Cli.OK);
        assertThat(err()).contains("HTTP_PROT (in .env)").doesNotContain("EDITOR").doesNotContain("HTTP_PROXY");
        assertThat(out()).doesNotContain("warning");
    }

    @Test
    void clientCommandsReadOnlyTheServiceAddressSoAnUnrelatedBadValueDoesNotStopThem() {
        dotEnv.put("SIP_PORT_MIN", "abc");
        service.script(List.of());
        assertThat(run("calls")).isEqualTo(Cli.OK);
        assertThat(out()).isEqualTo("No calls yet.\n");
        assertThat(run("hangup", "c-1")).isEqualTo(Cli.OK);
        assertThat(run("start")).as("the service itself still refuses it").isEqualTo(Cli.USAGE);
        assertThat(err()).contains("SIP_PORT_MIN=abc");
        assertThat(started.get()).isNull();

        err.reset();
        env.put("HTTP_PORT", "eighty");
        assertThat(run("calls")).as("what a client does read is still checked").isEqualTo(Cli.USAGE);
        assertThat(err()).contains("HTTP_PORT=eighty");
    }

    @Test
    void transferPostsTheNumberAndSaysTheTransferStarted() {
        assertThat(run("transfer", "c-1", "+7 999 000-07-77")).isEqualTo(Cli.OK);
        assertThat(service.requests).last().isEqualTo("POST /api/calls/c-1/transfer");
        assertThat(service.transferBodies).containsExactly(Map.of("to", "+7 999 000-07-77"));
        assertThat(out()).isEqualTo("Call c-1: transfer to +7 999 000-07-77 started\n");

        assertThat(run("transfer", "c-2", "+79990000777")).isEqualTo(Cli.FAILURE);
        assertThat(err()).contains("cannot transfer c-2").contains("not answered");
        assertThat(run("transfer", "c-1")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("expected a call id and a number");
    }

    @Test
    void urlAndTokenOptionsReplaceTheVariables() {
        String url = "http://127.0.0.1:" + env.get("HTTP_PORT");
        env.put("HTTP_PORT", "eighty");
        env.put("API_TOKEN", "wrong");
        service.script(List.of());
        assertThat(run("calls", "--url", url, "--token", TOKEN, "--status", "busy")).isEqualTo(Cli.OK);
        assertThat(service.requests).containsExactly("GET /api/calls?limit=20&status=busy");
        assertThat(run("hangup", "c-1", "--url=" + url + "/", "--token=" + TOKEN)).isEqualTo(Cli.OK);
        assertThat(service.requests).last().isEqualTo("POST /api/calls/hangup");

        env.put("HTTP_PORT", url.substring(url.lastIndexOf(':') + 1));
        assertThat(run("hangup", "c-1", "--token", "wrong-again")).isEqualTo(Cli.FAILURE);
        assertThat(err()).contains("refused the API token").contains("--token");

        err.reset();
        assertThat(run("calls", "--url", "ftp://host", "--token", TOKEN)).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("--url ftp://host: expected the service's address");
    }

    @Test
    void configPrintsEverySettingWithSecretsMasked() {
        env.put("ELEVENLABS_API_KEY", "el-secret-123");
        env.put("SIP_LOGIN", "user");
        env.put("SIP_PASSWORD", "sip-secret-456");
        env.put("ELEVENLABS_AGENT_ID", "agent_1");
        assertThat(run("config")).isEqualTo(Cli.OK);
        assertThat(out()).contains("HTTP_PORT").contains("SOCKS5_PROXY").contains("API_TOKEN").contains("Mode: SIP")
                .doesNotContain(TOKEN).doesNotContain("el-secret-123").doesNotContain("sip-secret-456");
    }

    @Test
    void configWarnsAboutAPrivateSipPublicIpAndExplainsTheDefault() {
        env.putAll(Map.of("SIP_LOGIN", "user", "SIP_PASSWORD", "pw", "ELEVENLABS_AGENT_ID", "agent_1",
                "SIP_SERVER", "80.75.130.100:5060", "SIP_PUBLIC_IP", "192.168.10.5"));
        assertThat(run("config")).isEqualTo(Cli.OK);
        assertThat(out()).contains("WARNING: SIP and SDP advertise 192.168.10.5").contains("SIP_STUN_SERVER");

        out.reset();
        env.remove("SIP_PUBLIC_IP");
        env.put("SIP_STUN_SERVER", "stun.example.org");
        assertThat(run("config")).isEqualTo(Cli.OK);
        assertThat(out()).contains("SIP_PUBLIC_IP unset").contains("received/rport")
                .contains("STUN stun.example.org:3478").doesNotContain("WARNING");
    }

    @Test
    void configWithProblemsExits2() {
        env.put("RTP_PORT_MIN", "1");
        env.put("SIP_PASSWORD", "sip-secret-456");
        assertThat(run("config")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("problems:").contains("RTP_PORT_MIN=1").doesNotContain("sip-secret-456");
        assertThat(out()).as("the settings still print, on stdout").contains("HTTP_PORT").contains("SOCKS5_PROXY")
                .containsPattern("RTP_PORT_MIN +10000 +<- a problem").doesNotContain("sip-secret-456")
                .doesNotContain("problems:");
    }

    @Test
    void callFollowsStatusAndTranscriptUntilCompleted() {
        List<Map<String, Object>> transcript = List.of(
                Map.of("role", "agent", "text", "Hello, this is Anna", "at", "2026-11-25T20:00:04Z"),
                Map.of("role", "user", "text", "Hi Anna", "at", "2026-11-25T20:00:06.500Z"));
        service.script(List.of(
                record("dialing"),
                record("dialing"),
                record("ringing", "ringing_at", "2026-11-25T20:00:01Z"),
                record("answered", "answered_at", "2026-11-25T20:00:03Z"),
                record("answered", "answered_at", "2026-11-25T20:00:03Z", "transcript", transcript.subList(0, 1)),
                record("answered", "answered_at", "2026-11-25T20:00:03Z", "transcript", transcript),
                record("completed", "answered_at", "2026-11-25T20:00:03Z", "ended_at", "2026-11-25T20:00:10Z",
                        "duration_s", 7.0, "hangup_by", "remote", "hangup_cause", "normal_clearing",
                        "transcript", transcript)));

        int code = run("call", "+7", "999", "000-11-22", "--first-message", "Hello!", "--language=ru");

        assertThat(code).isEqualTo(Cli.OK);
        assertThat(service.startBodies).containsExactly(Map.of("phone_number", "+7 999 000-11-22",
                "first_message", "Hello!", "language", "ru"));
        assertThat(service.startKeys).singleElement().satisfies(key -> assertThat(key).matches("[0-9a-f-]{36}"));
        assertThat(out().lines().toList()).containsExactly(
                "Call c-1 to +79990001122 (sip). Ctrl-C stops following; the call goes on.",
                "    0.0 s  dialing",
                "    1.0 s  ringing",
                "    3.0 s  answered",
                "    4.0 s  agent: Hello, this is Anna",
                "    6.5 s  user: Hi Anna",
                "   10.0 s  completed: talked 7.0 s, ended by remote (normal_clearing)");
    }

    @Test
    void aStreamThatBreaksOffIsResumedFromTheLastEventSeen() {
        List<Map<String, Object>> transcript = List.of(
                Map.of("role", "agent", "text", "Hello", "at", "2026-11-25T20:00:02Z"),
                Map.of("role", "user", "text", "Hi", "at", "2026-11-25T20:00:04Z"));
        service.script(List.of(
                record("dialing"),
                record("ringing", "ringing_at", "2026-11-25T20:00:01Z"),
                record("answered", "ringing_at", "2026-11-25T20:00:01Z", "answered_at", "2026-11-25T20:00:01.500Z",
                        "transcript", transcript),
                record("canceled", "ended_at", "2026-11-25T20:00:05Z", "hangup_by", "us", "duration_s", 3.5,
                        "hangup_cause", "api_hangup", "transcript", transcript)));
        service.dropFirstStreamAfter(2);

        assertThat(run("call", "+79990001122")).isEqualTo(Cli.FAILURE);

        assertThat(service.lastEventIds).containsExactly("null", "2");
        assertThat(out().lines().skip(1).toList()).containsExactly(
                "    0.0 s  dialing",
                "    1.0 s  ringing",
                "    2.0 s  agent: Hello",
                "    4.0 s  user: Hi",
                "    1.5 s  answered",
                "    5.0 s  canceled: talked 3.5 s, ended by us (api_hangup)");
    }

    @Test
    void dataCommandsPrintJsonWithTheJsonFlag() throws Exception {
        service.script(List.of(record("dialing"),
                record("completed", "answered_at", "2026-11-25T20:00:01Z", "ended_at", "2026-11-25T20:00:03Z",
                        "duration_s", 2.0, "hangup_by", "agent", "hangup_cause", "agent_end_call")));

        assertThat(run("call", "+79990001122", "--json")).isEqualTo(Cli.OK);
        Map<String, Object> finalRecord = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(out());
        assertThat(finalRecord).containsEntry("status", "completed").containsEntry("id", "c-1");
        out.reset();

        assertThat(run("calls", "--json")).isEqualTo(Cli.OK);
        assertThat(com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(out())).containsEntry("count", 2);
        out.reset();

        assertThat(run("hangup", "c-1", "--json")).isEqualTo(Cli.OK);
        assertThat(com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(out())).containsEntry("status", "canceled");
    }

    @Test
    void callsWithAStatusThatMatchesNothingSaysSo() {
        service.script(List.of());

        assertThat(run("calls", "--status", "busy")).isEqualTo(Cli.OK);
        assertThat(out()).isEqualTo("No calls with status busy.\n");
    }

    @Test
    void aCallThatDoesNotCompleteExits1() {
        service.script(List.of(record("dialing"),
                record("busy", "ended_at", "2026-11-25T20:00:02Z", "hangup_cause", "busy", "hangup_by", "remote",
                        "sip_code", 486, "sip_reason", "Busy Here")));
        assertThat(run("call", "+79990001122")).isEqualTo(Cli.FAILURE);
        assertThat(out()).contains("2.0 s  busy: ended by remote (busy, SIP 486 Busy Here)");
    }

    @Test
    void aCallThatReachesVoicemailIsFollowedToItsEnd() {
        service.script(List.of(record("dialing"),
                record("voicemail", "answered_at", "2026-11-25T20:00:01Z", "ended_at", "2026-11-25T20:00:04Z",
                        "duration_s", 3.0, "hangup_cause", "answering_machine", "hangup_by", "system")));
        assertThat(run("call", "+79990001122")).isEqualTo(Cli.FAILURE);
        assertThat(out()).contains("4.0 s  voicemail: talked 3.0 s, ended by system (answering_machine)");
    }

    @Test
    void aRefusedCallSaysWhy() {
        service.refuseStart(429, "too_many_calls", "10 calls are live already");
        assertThat(run("call", "+79990001122")).isEqualTo(Cli.FAILURE);
        assertThat(err()).contains("the call was not placed: 10 calls are live already");

        service.refuseStart(400, "bad_request", "phone_number: expected an international number");
        assertThat(run("call", "12")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("phone_number: expected");
    }

    @Test
    void callUsageErrorsExit2WithoutContactingTheService() {
        assertThat(run("call")).isEqualTo(Cli.USAGE);
        assertThat(run("call", "+79990001122", "--voice", "x")).isEqualTo(Cli.USAGE);
        assertThat(run("call", "+79990001122", "--prompt")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("unknown option --voice").contains("--prompt needs a value");
        assertThat(service.requests).isEmpty();
    }

    @Test
    void aServiceThatIsNotRunningIsARuntimeFailure() throws Exception {
        try (ServerSocket reserved = new ServerSocket(0)) {
            env.put("HTTP_PORT", Integer.toString(reserved.getLocalPort()));
        }
        assertThat(run("calls")).isEqualTo(Cli.FAILURE);
        assertThat(err()).contains("cannot reach the voiceagent service at http://127.0.0.1:");
    }

    @Test
    void aWrongTokenIsExplained() {
        env.put("API_TOKEN", "wrong");
        assertThat(run("hangup", "c-1")).isEqualTo(Cli.FAILURE);
        assertThat(err()).contains("set API_TOKEN");
    }

    @Test
    void callsPrintsATable() {
        service.script(List.of(
                record("completed", "duration_s", 12.5, "hangup_by", "us", "hangup_cause", "api_hangup"),
                record("failed", "id", "c-2", "hangup_cause", "provider_auth")));
        assertThat(run("calls", "--status", "completed", "--limit=5")).isEqualTo(Cli.OK);
        assertThat(service.requests).containsExactly("GET /api/calls?limit=5&status=completed");
        assertThat(out().lines().toList()).containsExactly(
                "ID   CREATED               NUMBER        MODE  STATUS     TALK    CAUSE",
                "c-1  2026-11-25 20:00:00Z  +79990001122  sip   completed  12.5 s  api_hangup",
                "c-2  2026-11-25 20:00:00Z  +79990001122  sip   failed     0.0 s   provider_auth");
    }

    @Test
    void callsWithNoneOrABadFilter() {
        service.script(List.of());
        assertThat(run("calls")).isEqualTo(Cli.OK);
        assertThat(out()).isEqualTo("No calls yet.\n");
        assertThat(run("calls", "--status", "talking")).isEqualTo(Cli.USAGE);
    }

    @Test
    void hangupEndsACallOrSaysItIsUnknown() {
        assertThat(run("hangup", "c-1")).isEqualTo(Cli.OK);
        assertThat(out()).contains("Call c-1: canceled");
        assertThat(run("hangup", "c-9")).isEqualTo(Cli.FAILURE);
        assertThat(err()).contains("no call with id 'c-9'");
        assertThat(run("hangup")).isEqualTo(Cli.USAGE);
    }

    @Test
    void benchWithBadArgumentsIsAUsageError() {
        assertThat(run("bench", "--calls", "many")).isEqualTo(Cli.USAGE);
    }
}
