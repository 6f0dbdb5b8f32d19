package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonOutputTest {
    enum State { REGISTERED }

    record Registration(State state, Optional<String> lastError, Instant since, Secret password, int expiresS) {
    }

    @Test
    void componentValuesBecomePlainJsonAndSecretsStayMasked() {
        Registration r = new Registration(State.REGISTERED, Optional.empty(), Instant.parse("2026-11-25T20:00:00Z"),
                Secret.of("hunter2"), 3600);
        String json = new String(Json.write(java.util.Map.of("registration", r, "refresh", Duration.ofSeconds(90),
                "ids", new String[] {"a", null})), StandardCharsets.UTF_8);
        assertThat(json).contains("\"registration\":{\"state\":\"registered\",\"last_error\":null,"
                        + "\"since\":\"2026-11-25T20:00:00Z\",\"password\":\"****\",\"expires_s\":3600}")
                .contains("\"refresh\":\"PT1M30S\"").contains("\"ids\":[\"a\",null]")
                .doesNotContain("hunter2");
    }
}
