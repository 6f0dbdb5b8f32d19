package io.voiceagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownVariablesTest {
    @TempDir
    Path dir;

    @Test
    void theKnownVariablesAreTheOnesTheConfigurationDescribes() throws ConfigException {
        assertThat(ConfigLoader.knownVariables())
                .containsExactlyInAnyOrderElementsOf(ConfigLoader.fromMap(Map.of()).describe().keySet());
    }

    @Test
    void everyKnownVariableIsInTheExampleEnvFile() throws Exception {
        String example = Files.readString(Path.of("etc/voiceagent.env.example"));
        assertThat(ConfigLoader.knownVariables())
                .allSatisfy(name -> assertThat(example).containsPattern("(?m)^#? ?" + name + "="));
    }

    @Test
    void aTypoInDotEnvNamesTheClosestKnownVariable() throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "HTTP_PROT=8001\nSIP_LOGN=alice\nCOMPLETELY_DIFFERENT=1\nLOG_LEVEL=DEBUG\n");
        ConfigLoader.Variables variables = ConfigLoader.read(Map.of(), dotEnv);

        assertThat(ConfigLoader.warnings(variables)).containsExactly(
                "COMPLETELY_DIFFERENT (in .env) is not a voiceagent variable and is ignored",
                "HTTP_PROT (in .env) is not a voiceagent variable and is ignored; did you mean HTTP_PORT?",
                "SIP_LOGN (in .env) is not a voiceagent variable and is ignored; did you mean SIP_LOGIN?");
    }

    @Test
    void theEnvironmentIsJudgedOnlyByOurPrefixes() {
        ConfigLoader.Variables variables = new ConfigLoader.Variables(Map.of(
                "PATH", "/usr/bin", "HOME", "/root", "JAVA_HOME", "/opt/jdk", "HTTP_PROXY", "http://p:3128",
                "ELEVENLABS_AGENTID", "a", "RTP_TIMEOUT", "30", "SOCKS5_PROXY", "socks5://p:1080",
                "CALL_RING_TIMEOUT_S", "30"), Map.of());

        assertThat(ConfigLoader.warnings(variables)).containsExactly(
                "ELEVENLABS_AGENTID (in the environment) is not a voiceagent variable and is ignored;"
                        + " did you mean ELEVENLABS_AGENT_ID?",
                "RTP_TIMEOUT (in the environment) is not a voiceagent variable and is ignored;"
                        + " did you mean RTP_TIMEOUT_S?");
    }

    @Test
    void aKeyInBothPlacesIsWarnedAboutOnceAndTheEnvironmentWins() {
        ConfigLoader.Variables variables = new ConfigLoader.Variables(Map.of("HTTP_PROT", "1", "HTTP_PORT", "9"),
                Map.of("HTTP_PROT", "2", "HTTP_PORT", "8"));

        assertThat(ConfigLoader.warnings(variables)).hasSize(1).allMatch(w -> w.startsWith("HTTP_PROT (in .env)"));
        assertThat(variables.merged()).containsEntry("HTTP_PORT", "9");
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(ConfigLoader.editDistance("HTTP_PROT", "HTTP_PORT")).isEqualTo(2);
        assertThat(ConfigLoader.editDistance("", "ABC")).isEqualTo(3);
        assertThat(ConfigLoader.editDistance("SIP_LOGN", "SIP_LOGIN")).isEqualTo(1);
        assertThat(ConfigLoader.editDistance("KITTEN", "SITTING")).isEqualTo(3);
        assertThat(ConfigLoader.closest("http_port")).contains("HTTP_PORT");
        assertThat(ConfigLoader.closest("XYZ")).isEmpty();
    }
}
