package io.voiceagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {

    @Test
    void callback_url_and_secret_are_read_and_described_with_the_secret_masked() throws ConfigException {
        Config config = ConfigLoader.fromMap(Map.of("CALLBACK_URL", "https://crm.example/hooks?k=1",
                "CALLBACK_SECRET", "whsec_0123456789abcdef"));
        assertThat(config.webhooks().callbackUrl()).contains(URI.create("https://crm.example/hooks?k=1"));
        assertThat(config.webhooks().secret().map(Secret::reveal)).contains("whsec_0123456789abcdef");
        assertThat(config.describe()).as("the query may hold the receiver's token")
                .containsEntry("CALLBACK_URL", "https://crm.example/hooks?****");
        assertThat(config.describe().get("CALLBACK_SECRET")).doesNotContain("0123456789");
        assertThat(ConfigLoader.fromMap(Map.of()).webhooks()).isEqualTo(new Config.Webhooks(Optional.empty(), Optional.empty()));
    }

    @Test
    void a_url_needs_a_secret_of_sixteen_characters_and_every_problem_is_listed() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("CALLBACK_URL", "https://crm.example/hooks")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CALLBACK_URL is set without CALLBACK_SECRET");
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("CALLBACK_URL", "crm.example/hooks",
                "CALLBACK_SECRET", "short-secret-x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CALLBACK_URL=crm.example/hooks: expected an absolute http or https URL")
                .hasMessageContaining("CALLBACK_SECRET=****: expected at least 16 characters")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short-secret-x"));
    }
}
