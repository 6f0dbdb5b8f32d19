package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.cli.Cli;
import io.voiceagent.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's campaign on the demo network, through the command line: {@code etc/demo-campaign.csv}
 * (50 numbers: 30 answer, 10 busy, 10 never answer) runs to completion with one retry each for busy and
 * no answer, and the results say so contact by contact.
 */
@Tag("slow")
class DemoCampaignEndToEndTest {
    @TempDir
    Path dataDir;

    private Module module;

    @AfterEach
    void tearDown() {
        if (module != null) {
            module.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDemoCampaignOfFiftyNumbersFinishesWithTheRightRetries() throws Exception {
        module = Module.start(ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 1_000, Map.of(
                "CALL_RING_TIMEOUT_S", "5"))));
        String url = "http://127.0.0.1:" + module.httpPort();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(config -> 0, () -> new ConfigLoader.Variables(Map.of(), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Duration.ofMillis(250), false);

        int exit = cli.run("campaign", "start", "etc/demo-campaign.csv", "--name", "demo", "--max-concurrent", "9",
                "--cps", "10", "--window", "00:00-24:00", "--retry-busy", "1:2", "--retry-no-answer", "1:2",
                "--url", url);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("%s%n%s", printed, err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = printed.lines().toList();
        assertThat(lines.getFirst()).contains("50 contact(s), 0 duplicate(s) merged");
        assertThat(lines.getLast()).startsWith("50/50 done, 0 live, 0 to retry · answered 30 busy 10 no_answer 10")
                .contains("completed");
        String id = lines.getFirst().split(" ")[1].replace(":", "");

        out.reset();
        assertThat(cli.run("campaign", "results", id, "--json", "--url", url)).isZero();
        List<Map<String, Object>> results = (List<Map<String, Object>>) JSON.std.mapFrom(
                out.toString(StandardCharsets.UTF_8)).get("results");
        assertThat(results).hasSize(50).allSatisfy(r -> {
            String number = (String) r.get("phone_number");
            String expected = number.endsWith("0001") ? "busy" : number.endsWith("0002") ? "no_answer" : "answered";
            assertThat(r.get("last_outcome")).as(number).isEqualTo(expected);
            assertThat(r.get("attempts")).as(number).isEqualTo(expected.equals("answered") ? 1 : 2);
            assertThat((List<?>) r.get("call_ids")).as(number).hasSize(expected.equals("answered") ? 1 : 2);
        });
        assertThat(results).filteredOn(r -> ((String) r.get("phone_number")).endsWith("1122"))
                .allSatisfy(r -> assertThat(((Number) r.get("transcript_lines")).intValue()).isGreaterThan(1));

        out.reset();
        assertThat(cli.run("campaign", "results", id, "--url", url)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(51)
                .first().asString().endsWith(",name,city"); // the upload's own column order
    }
}
