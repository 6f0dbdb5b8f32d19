package io.voiceagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordingConfigTest {

    @Test
    void recording_is_off_by_default_and_kept_thirty_days() throws ConfigException {
        Config config = ConfigLoader.fromMap(Map.of());
        assertThat(config.recording()).isEqualTo(new Config.Recording(false, Config.Recording.Format.PCM16, 30, Optional.empty()));
        assertThat(config.describe()).containsEntry("RECORDING", "off").containsEntry("RECORDING_RETENTION_DAYS", "30");
    }

    @Test
    void on_with_a_retention_and_a_notice_is_read_and_described() throws ConfigException {
        Config config = ConfigLoader.fromMap(Map.of("RECORDING", "ON", "RECORDING_RETENTION_DAYS", "7", "RECORDING_FORMAT", "G711",
                "RECORDING_NOTICE", "Этот звонок записывается."));
        assertThat(config.recording()).isEqualTo(new Config.Recording(true, Config.Recording.Format.G711, 7, Optional.of("Этот звонок записывается.")));
        assertThat(config.describe()).containsEntry("RECORDING", "on").containsEntry("RECORDING_FORMAT", "g711")
                .containsEntry("RECORDING_NOTICE", "Этот звонок записывается.");
    }

    @Test
    void bad_values_are_each_named() {
        assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("RECORDING", "yes", "RECORDING_RETENTION_DAYS", "0",
                "RECORDING_FORMAT", "mp3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RECORDING=yes: expected on or off")
                .hasMessageContaining("RECORDING_RETENTION_DAYS=0")
                .hasMessageContaining("RECORDING_FORMAT=mp3: expected pcm16 or g711");
    }
}
