package io.voiceagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {

    private static final Map<String, String> FULL_SIP = Map.of(
            "SIP_LOGIN", "883140000000001",
            "SIP_PASSWORD", "sip-secret-123",
            "ELEVENLABS_AGENT_ID", "agent_abc",
            "ELEVENLABS_API_KEY", "xi-secret-456");

    @Test
    void defaultsWithoutAnyVariableRunTheDemo() throws ConfigException {
        Config config = ConfigLoader.fromMap(Map.of());

        assertThat(config.demo()).isTrue();
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(8000);
        assertThat(config.http().maxConcurrentCalls()).isEqualTo(10);
        assertThat(config.http().debugEndpoints()).isTrue();
        assertThat(config.sip().domain()).isEqualTo("sip.exolve.ru");
        assertThat(config.sip().serverHost()).isEqualTo("80.75.130.100");
        assertThat(config.sip().serverPort()).isEqualTo(5060);
        assertThat(config.sip().portMin()).isEqualTo(5060);
        assertThat(config.sip().portMax()).isEqualTo(5080);
        assertThat(config.sip().registerExpiresSeconds()).isEqualTo(3600);
        assertThat(config.sip().ringTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.rtp().portMin()).isEqualTo(10000);
        assertThat(config.rtp().portMax()).isEqualTo(20000);
        assertThat(config.rtp().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rtp().holdTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.elevenLabs().wsUrl()).hasToString("wss://api.elevenlabs.io/v1/convai/conversation");
        assertThat(config.elevenLabs().apiUrl()).hasToString("https://api.elevenlabs.io");
        assertThat(config.elevenLabs().chunkMs()).isEqualTo(20);
        assertThat(config.exolve().apiUrl()).hasToString("https://api.exolve.ru");
        assertThat(config.exolve().useHttp()).isFalse();
        assertThat(config.proxy()).isEmpty();
    }

    @Test
    void completeSipCredentialsLeaveDemoMode() throws ConfigException {
        Config config = ConfigLoader.fromMap(FULL_SIP);

        assertThat(config.demo()).isFalse();
        assertThat(config.sip().login()).isEqualTo("883140000000001");
        assertThat(config.sip().password().reveal()).isEqualTo("sip-secret-123");
    }

    @Test
    void trustedPeersAreAddressesAndCidrBlocksShownInDescribe() throws ConfigException {
        Config config = ConfigLoader.fromMap(Map.of("SIP_TRUSTED_PEERS", " 80.75.130.101, 80.75.131.0/24,"));

        assertThat(config.sip().trustedPeers()).extracting(AddressBlock::toString)
                .containsExactly("80.75.130.101", "80.75.131.0/24");
        assertThat(config.describe()).containsEntry("SIP_TRUSTED_PEERS", "80.75.130.101,80.75.131.0/24");
        assertThat(ConfigLoader.fromMap(Map.of()).sip().trustedPeers()).as("default: SIP_SERVER only").isEmpty();
    }

    @Test
    void partlySetCredentialsNameWhatIsMissing() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("SIP_LOGIN", "user")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIP_PASSWORD")
                .hasMessageContaining("ELEVENLABS_AGENT_ID");
    }

    @Test
    void exolveHttpModeAlsoNeedsItsKeyAndSourceNumber() {
        Map<String, String> env = new HashMap<>(FULL_SIP);
        env.put("USE_EXOLVE_HTTP", "true");
        assertThatThrownBy(() -> ConfigLoader.fromMap(env))
                .hasMessageContaining("EXOLVE_API_KEY")
                .hasMessageContaining("EXOLVE_SOURCE_NUMBER");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "HTTP_PORT|70000|an integer from 0 to 65535",
            "HTTP_PORT|abc|an integer from 0 to 65535",
            "MAX_CONCURRENT_CALLS|0|an integer from 1 to 10000",
            "LOG_LEVEL|LOUD|one of TRACE",
            "DEBUG_ENDPOINTS|maybe|true or false",
            "USE_EXOLVE_HTTP|perhaps|true or false",
            "EXOLVE_API_URL|ftp://x|an absolute http or https URL",
            "EXOLVE_SOURCE_NUMBER|call-me|a phone number in international format",
            "SIP_SERVER|host:99999|host:port with a port from 1 to 65535",
            "SIP_SERVER|:5060|host:port",
            "SIP_PORT_MIN|0|an integer from 1 to 65535",
            "SIP_PORT_MAX|65536|an integer from 1 to 65535",
            "SIP_PUBLIC_IP|300.1.1.1|an IPv4 address",
            "SIP_TRUSTED_PEERS|10.0.0.1,sbc.example|comma-separated IP addresses or CIDR blocks",
            "SIP_TRUSTED_PEERS|10.0.0.0/33|comma-separated IP addresses or CIDR blocks",
            "SIP_STUN_SERVER|stun.example.org:0|host or host:port of a STUN server",
            "SIP_STUN_SERVER|stun server|host or host:port of a STUN server",
            "EXOLVE_CALL_METHOD|dial|callback or makecall",
            "EXOLVE_CALLBACK_RESOURCE_ID|abc|a positive integer",
            "SIP_REGISTER_EXPIRES|10|an integer from 60 to 86400",
            "CALL_RING_TIMEOUT_S|1|an integer from 5 to 600",
            "RTP_PORT_MIN|80|an integer from 1024 to 65534",
            "RTP_PORT_MAX|x|an integer from 1025 to 65535",
            "RTP_TIMEOUT_S|0|an integer from 1 to 3600",
            "CALL_HOLD_TIMEOUT_S|5|an integer from 10 to 86400",
            "RTP_PACER_RT_PRIORITY|100|an integer from 0 to 99",
            "ELEVENLABS_AGENT_ID|bad id!|letters, digits",
            "ELEVENLABS_WS_URL|https://x/y|an absolute ws or wss URL",
            "ELEVENLABS_API_URL|nope|an absolute http or https URL",
            "ELEVENLABS_USE_SIGNED_URL|2|true or false",
            "ELEVENLABS_CHUNK_MS|10|an integer from 20 to 100",
            "ELEVENLABS_CHUNK_MS|30|a multiple of 20",
            "SOCKS5_PROXY|http://proxy:8080|socks5://[user:pass@]host:port",
            "SOCKS5_PROXY|socks5://h:99999|socks5://[user:pass@]host:port",
            "EXOLVE_API_URL|https://api.exolve.ru:99999|with a port from 1 to 65535",
            "ELEVENLABS_WS_URL|wss://api.elevenlabs.io:70000/v1|with a port from 1 to 65535",
            "JOURNAL_RETENTION_DAYS|0|an integer from 1 to 36500",
            "LOG_FORMAT|xml|text or json",
    })
    void aBadValueNamesTheVariableTheValueAndWhatIsExpected(String name, String value, String expected) {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(value.isEmpty() ? name : value.split(":")[0])
                .hasMessageContaining(expected);
    }

    @Test
    void aiConnectAndTheAgentAudioBufferAreCheckedAndDescribed() throws ConfigException {
        Config defaults = ConfigLoader.fromMap(Map.of());
        assertThat(defaults.elevenLabs().aiConnect()).isEqualTo(Config.AiConnect.RINGING);
        assertThat(defaults.elevenLabs().agentAudioBuffer()).isEqualTo(java.time.Duration.ofSeconds(120));
        Config answer = ConfigLoader.fromMap(Map.of("AI_CONNECT", "Answer", "AI_AUDIO_BUFFER_S", "30"));
        assertThat(answer.elevenLabs().aiConnect()).isEqualTo(Config.AiConnect.ANSWER);
        assertThat(answer.describe()).containsEntry("AI_CONNECT", "answer").containsEntry("AI_AUDIO_BUFFER_S", "30");

        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("AI_CONNECT", "dial", "AI_AUDIO_BUFFER_S", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AI_CONNECT=dial: expected ringing or answer")
                .hasMessageContaining("AI_AUDIO_BUFFER_S=5");
    }

    @Test
    void stunIsOffByDefaultAndItsPortDefaultsTo3478() throws ConfigException {
        assertThat(ConfigLoader.fromMap(Map.of()).sip().stunServer()).isEmpty();
        assertThat(ConfigLoader.fromMap(Map.of("SIP_STUN_SERVER", "stun.example.org")).sip().stunServer())
                .contains(new Config.StunServer("stun.example.org", 3478));
        assertThat(ConfigLoader.fromMap(Map.of("SIP_STUN_SERVER", "192.0.2.9:19302")).describe())
                .containsEntry("SIP_STUN_SERVER", "192.0.2.9:19302");
    }

    @Test
    void exolveHttpModeCallsBackByDefaultAndTheMethodIsSelectable() throws ConfigException {
        Config byDefault = ConfigLoader.fromMap(Map.of());
        assertThat(byDefault.exolve().callMethod()).isEqualTo(Config.Exolve.CallMethod.CALLBACK);
        assertThat(byDefault.exolve().callbackResourceId()).isEmpty();
        Config chosen = ConfigLoader.fromMap(Map.of("EXOLVE_CALL_METHOD", "makecall",
                "EXOLVE_CALLBACK_RESOURCE_ID", "417"));
        assertThat(chosen.exolve().callMethod()).isEqualTo(Config.Exolve.CallMethod.MAKECALL);
        assertThat(chosen.describe()).containsEntry("EXOLVE_CALL_METHOD", "makecall")
                .containsEntry("EXOLVE_CALLBACK_RESOURCE_ID", "417");
    }

    @Test
    void callbackModeNeedsASipIdMadeOfDigits() {
        Map<String, String> env = new HashMap<>(FULL_SIP);
        env.putAll(Map.of("USE_EXOLVE_HTTP", "true", "EXOLVE_API_KEY", "k", "EXOLVE_SOURCE_NUMBER", "74950000000",
                "SIP_LOGIN", "alice"));
        assertThatThrownBy(() -> ConfigLoader.fromMap(env)).hasMessageContaining("SIP_LOGIN=alice")
                .hasMessageContaining("SIP ID");
        env.put("EXOLVE_CALL_METHOD", "makecall");
        assertThatCode(() -> ConfigLoader.fromMap(env)).doesNotThrowAnyException();
    }

    @Test
    void voicemailActionDefaultsToHangupAndTakesLeaveMessage() throws Exception {
        assertThat(ConfigLoader.fromMap(Map.of()).tools().voicemailAction()).isEqualTo(Config.VoicemailAction.HANGUP);
        Config leave = ConfigLoader.fromMap(Map.of("VOICEMAIL_ACTION", "Leave_Message"));
        assertThat(leave.tools().voicemailAction()).isEqualTo(Config.VoicemailAction.LEAVE_MESSAGE);
        assertThat(leave.describe()).containsEntry("VOICEMAIL_ACTION", "leave_message");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("VOICEMAIL_ACTION", "beep")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("VOICEMAIL_ACTION=beep: expected hangup or leave_message");
    }

    @Test
    void transferIsBridgeWithThirtySecondsByDefaultAndBothSettingsAreChecked() throws Exception {
        Config defaults = ConfigLoader.fromMap(Map.of());
        assertThat(defaults.tools().transfer()).isEqualTo(Config.Transfer.DEFAULTS);
        assertThat(defaults.describe()).containsEntry("TRANSFER_MODE", "bridge")
                .containsEntry("TRANSFER_RING_TIMEOUT_S", "30");
        Config refer = ConfigLoader.fromMap(Map.of("TRANSFER_MODE", " REFER", "TRANSFER_RING_TIMEOUT_S", "45"));
        assertThat(refer.tools().transfer()).isEqualTo(new Config.Transfer(Config.TransferMode.REFER,
                java.time.Duration.ofSeconds(45)));

        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("TRANSFER_MODE", "blind", "TRANSFER_RING_TIMEOUT_S", "4")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TRANSFER_MODE=blind: expected bridge or refer")
                .hasMessageContaining("TRANSFER_RING_TIMEOUT_S=4: expected an integer from 5 to 300");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("TRANSFER_RING_TIMEOUT_S", "301")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TRANSFER_RING_TIMEOUT_S=301");
    }

    /** A WAV of 16-bit PCM with a LIST chunk before the data, as sox and most editors write one. */
    static byte[] wav(int channels, int rate, short[] samples) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 24 + 12 + 8 + samples.length * 2)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put("LIST".getBytes()).putInt(4).put("INFO".getBytes());
        b.put("data".getBytes()).putInt(samples.length * 2);
        for (short v : samples) {
            b.putShort(v);
        }
        return b.array();
    }

    @Test
    void theHoldSoundIsReadAndABadOneIsRefusedWithWhy(@TempDir Path dir) throws Exception {
        short[] samples = new short[4000];
        samples[1] = 1234;
        Path good = Files.write(dir.resolve("hold.wav"), wav(1, 8000, samples));
        Config.Transfer transfer = ConfigLoader.fromMap(Map.of("TRANSFER_HOLD_SOUND", good.toString())).tools().transfer();
        assertThat(transfer.holdSound()).hasValueSatisfying(h -> {
            assertThat(h.samples()).hasSize(4000);
            assertThat(h.samples()[1]).isEqualTo((short) 1234);
        });

        Path stereo = Files.write(dir.resolve("stereo.wav"), wav(2, 44100, samples));
        Path text = Files.writeString(dir.resolve("notes.wav"), "not a sound");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("TRANSFER_HOLD_SOUND", stereo.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TRANSFER_HOLD_SOUND=" + stereo + ": expected a readable WAV file of 16-bit PCM,"
                        + " mono, 8000 Hz").hasMessageContaining("(format 1, 2 channel(s), 44100 Hz, 16 bits)");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("TRANSFER_HOLD_SOUND", text.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("(not a WAV file (no RIFF/WAVE header))");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("TRANSFER_HOLD_SOUND", dir.resolve("none.wav").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("(no such file)");
    }

    @Test
    void amdIsOffByDefaultAndEveryParameterIsRangeChecked() throws Exception {
        Config defaults = ConfigLoader.fromMap(Map.of());
        assertThat(defaults.tools().amd()).isEqualTo(Config.Amd.DEFAULTS);
        assertThat(defaults.tools().amd().local()).isFalse();
        assertThat(defaults.describe()).containsEntry("AMD", "off").containsEntry("AMD_MAX_MS", "3500");
        Config local = ConfigLoader.fromMap(Map.of("AMD", "local", "AMD_MAX_MS", "5000", "AMD_MAX_WORDS", "4"));
        assertThat(local.tools().amd().local()).isTrue();
        assertThat(local.tools().amd().maxMs()).isEqualTo(5000);
        assertThat(local.tools().amd().maxWords()).isEqualTo(4);

        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.ofEntries(Map.entry("AMD", "asterisk"),
                Map.entry("AMD_INITIAL_SILENCE_MS", "100"), Map.entry("AMD_GREETING_MS", "20000"),
                Map.entry("AMD_AFTER_GREETING_SILENCE_MS", "0"), Map.entry("AMD_MAX_MS", "999"),
                Map.entry("AMD_MIN_WORD_MS", "5"), Map.entry("AMD_BETWEEN_WORDS_SILENCE_MS", "5000"),
                Map.entry("AMD_MAX_WORD_MS", "100"), Map.entry("AMD_MAX_WORDS", "0"),
                Map.entry("AMD_SILENCE_THRESHOLD", "40000"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AMD=asterisk: expected off or local")
                .hasMessageContaining("AMD_INITIAL_SILENCE_MS=100").hasMessageContaining("AMD_GREETING_MS=20000")
                .hasMessageContaining("AMD_AFTER_GREETING_SILENCE_MS=0").hasMessageContaining("AMD_MAX_MS=999")
                .hasMessageContaining("AMD_MIN_WORD_MS=5").hasMessageContaining("AMD_BETWEEN_WORDS_SILENCE_MS=5000")
                .hasMessageContaining("AMD_MAX_WORD_MS=100").hasMessageContaining("AMD_MAX_WORDS=0")
                .hasMessageContaining("AMD_SILENCE_THRESHOLD=40000");
    }

    @Test
    void portRangesMustBeOrdered() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("RTP_PORT_MIN", "20000", "RTP_PORT_MAX", "10000")))
                .hasMessageContaining("RTP_PORT_MIN=20000 is above RTP_PORT_MAX=10000");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("SIP_PORT_MIN", "5080", "SIP_PORT_MAX", "5060")))
                .hasMessageContaining("SIP_PORT_MIN=5080 is above SIP_PORT_MAX=5060");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("HTTP_PORT", "x", "RTP_TIMEOUT_S", "y")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problems()).hasSize(2));
    }

    @Test
    void proxyUrlIsParsedWithCredentials() throws ConfigException {
        Config config = ConfigLoader.fromMap(Map.of("SOCKS5_PROXY", "socks5://bob:p%40ss@proxy.local:1080"));

        Config.Proxy proxy = config.proxy().orElseThrow();
        assertThat(proxy.host()).isEqualTo("proxy.local");
        assertThat(proxy.port()).isEqualTo(1080);
        assertThat(proxy.username()).contains("bob");
        assertThat(proxy.password().orElseThrow().reveal()).isEqualTo("p@ss");
        assertThat(proxy.describe()).isEqualTo("socks5://bob:****@proxy.local:1080");
    }

    @Test
    void secretsNeverAppearInDescriptionsOrErrors() throws ConfigException {
        Map<String, String> env = new HashMap<>(FULL_SIP);
        env.put("API_TOKEN", "token-secret-789");
        env.put("EXOLVE_API_KEY", "exolve-secret-000");
        env.put("EXOLVE_WEBHOOK_SECRET", "hook-secret-111");
        env.put("SOCKS5_PROXY", "socks5://u:proxy-secret-222@h:1080");
        Config config = ConfigLoader.fromMap(env);

        String described = config.describe().toString() + config;
        for (String secret : new String[] {"sip-secret-123", "xi-secret-456", "token-secret-789",
                "exolve-secret-000", "hook-secret-111", "proxy-secret-222"}) {
            assertThat(described).doesNotContain(secret);
        }
        assertThat(config.describe()).containsEntry("SIP_PASSWORD", "****");

        Map<String, String> broken = new HashMap<>(env);
        broken.put("SOCKS5_PROXY", "socks5://u:proxy-secret-222@");
        assertThatThrownBy(() -> ConfigLoader.fromMap(broken))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("proxy-secret-222"));
    }

    @Test
    void credentialsInUrlsAreMaskedInTheDescriptionAndInErrors() throws ConfigException {
        Map<String, String> env = new HashMap<>(FULL_SIP);
        env.put("ELEVENLABS_WS_URL", "wss://agent:ws-pass-333@api.elevenlabs.io/v1/convai/conversation"
                + "?agent_id=a1&token=ws-token-444&conversation_signature=sig-555");
        env.put("EXOLVE_API_URL", "https://api.exolve.ru/?api_key=exolve-key-666&region=ru");
        Config config = ConfigLoader.fromMap(env);

        assertThat(config.describe()).containsEntry("ELEVENLABS_WS_URL", "wss://agent:****@api.elevenlabs.io"
                + "/v1/convai/conversation?agent_id=a1&token=****&conversation_signature=****")
                .containsEntry("EXOLVE_API_URL", "https://api.exolve.ru/?api_key=****&region=ru");

        Map<String, String> broken = new HashMap<>(env);
        broken.put("ELEVENLABS_WS_URL", "https://agent:ws-pass-333@x/y?token=ws-token-444");
        broken.put("SOCKS5_PROXY", "socks5://u:proxy-secret-222@h:99999");
        assertThatThrownBy(() -> ConfigLoader.fromMap(broken)).satisfies(e -> assertThat(e.getMessage())
                .contains("ELEVENLABS_WS_URL=https://agent:****@x/y?token=****", "SOCKS5_PROXY=socks5://u:****@h:99999")
                .doesNotContain("ws-pass-333", "ws-token-444", "proxy-secret-222"));
    }

    @Test
    void dotEnvIsReadAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, """
                # comment
                export HTTP_PORT=9001
                HTTP_HOST="0.0.0.0"
                LOG_LEVEL=debug # trailing comment
                MAX_CONCURRENT_CALLS='3'
                """);
        Config config = ConfigLoader.fromMap(ConfigLoader.read(Map.of("HTTP_PORT", "9002"), dotEnv).merged());

        assertThat(config.http().port()).isEqualTo(9002);
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().logLevel()).isEqualTo("DEBUG");
        assertThat(config.http().maxConcurrentCalls()).isEqualTo(3);
    }

    @Test
    void aMalformedDotEnvLineIsReportedWithItsNumber(@TempDir Path dir) throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "HTTP_PORT=1\nthis is not a setting\n");
        assertThatThrownBy(() -> ConfigLoader.read(Map.of(), dotEnv)).hasMessageContaining("line 2");
    }
}
