package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.metrics.ServiceMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on a real, tiny file system: a 32 KiB tmpfs mounted for each test (needs root; run under
 * {@code CI=true}, skipped with the reason otherwise). A filler file takes the free space to make the
 * disk full, and is deleted to make it recover.
 */
class JournalOnFullDiskTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final CallJournal.Settings SETTINGS =
            new CallJournal.Settings(Duration.ofDays(90), Duration.ofMillis(20), 10_000);
    private static final String LONG_LINE = "a".repeat(TranscriptLine.MAX_TEXT_BYTES - 100);

    @TempDir
    Path temp;
    private Path mount;
    private Path dataDir;
    private Path filler;
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    @BeforeEach
    void mountTinyFileSystem() throws Exception {
        Assumptions.assumeTrue("true".equalsIgnoreCase(System.getenv("CI")),
                "needs CI=true: mounts a tmpfs to fill it up");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        mount = Files.createDirectory(temp.resolve("fs"));
        run("mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", mount.toString());
        dataDir = mount.resolve("data");
        filler = mount.resolve("filler");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void aFullDiskFailsLoudlyKeepsLiveChangesAndWritesThemInOrderOnRecovery() throws Exception {
        CallJournal.Opened opened = CallJournal.open(dataDir, clock, SETTINGS);
        CallJournal journal = opened.journal();
        CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
        CallRecord live = dialing("c_live");
        assertThat(calls.saveFirst(live, Optional.empty())).isTrue();

        fillTheDisk();
        live = live.withStatus(CallStatus.ANSWERED, T0.plusSeconds(2))
                .withTranscriptLine(new TranscriptLine("agent", LONG_LINE, T0.plusSeconds(3)));
        calls.save(live, true);
        await(() -> journal.status().state() == CallJournal.State.FAILING);

        assertThat(journal.status().error()).hasValueSatisfying(e -> assertThat(e).contains("No space left"));
        assertThat(calls.saveFirst(dialing("c_refused"), Optional.empty())).isFalse();
        live = live.withTranscriptLine(new TranscriptLine("user", "still talking", T0.plusSeconds(4)))
                .withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP, EndedBy.REMOTE), T0.plusSeconds(9));
        calls.save(live, true);
        long errors = journal.status().writeErrors();
        assertThat(errors).isPositive();

        Files.delete(filler);
        await(() -> journal.status().state() == CallJournal.State.OK);
        journal.close();

        CallJournal.Opened reopened = CallJournal.open(dataDir, clock, SETTINGS);
        reopened.journal().close();
        assertThat(reopened.quarantinedLines()).isZero();
        assertThat(reopened.records()).containsExactly(live);
        for (String line : Files.readAllLines(dataDir.resolve("calls.jsonl"))) {
            assertThat(JSON.std.mapFrom(line)).isNotEmpty();
        }
        assertThat(Files.readString(dataDir.resolve("calls.jsonl"))).endsWith("\n");
    }

    @Test
    void aStartIsRefusedWith503AndNothingIsDialedWhileTheJournalFails() throws Exception {
        CallJournal.Opened opened = CallJournal.open(dataDir, clock, SETTINGS);
        CallTestDoubles.Sip sip = new CallTestDoubles.Sip();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        ServiceMetrics metrics = new ServiceMetrics();
        try (CallJournal journal = opened.journal()) {
            CallManager manager = new CallManager(CallTestDoubles.settings(CallMode.SIP, 5,
                    Duration.ofSeconds(60), 10), sip, new CallTestDoubles.MediaFactory(), new CallTestDoubles.Agents(),
                    Optional.empty(), journal, List.of(), timers, clock, new SplittableRandom(1), metrics);
            CallRecord first = manager.start(request("79990000001"), Optional.of("k1")).record();
            fillTheDisk();

            assertThatThrownBy(() -> manager.start(request("79990000002"), Optional.of("k2")))
                    .isInstanceOfSatisfying(CallException.class, e -> assertThat(e.reason())
                            .isEqualTo(CallException.Reason.STORAGE_UNAVAILABLE));
            assertThat(sip.dialed).hasSize(1);
            assertThat(journal.status().state()).isEqualTo(CallJournal.State.FAILING);
            assertThat(manager.health().ready()).isFalse();
            assertThat(manager.health().reason()).hasValueSatisfying(r -> assertThat(r).contains("journal"));
            assertThat(metrics.journalWriteErrors.value()).isPositive();
            assertThat(metrics.scrape()).contains("voiceagent_journal_state{state=\"failing\"} 1\n",
                    "voiceagent_journal_state{state=\"ok\"} 0\n");
            // The refused start left no key behind: once the disk recovers, the retry places the call.
            Files.delete(filler);
            await(() -> journal.status().state() == CallJournal.State.OK);
            CallService.Started retried = manager.start(request("79990000002"), Optional.of("k2"));
            assertThat(retried.placed()).isTrue();
            assertThat(manager.start(request("79990000001"), Optional.of("k1")).record().id()).isEqualTo(first.id());
            assertThat(sip.dialed).hasSize(2);
            manager.drain(Duration.ofSeconds(1));
        } finally {
            timers.shutdownNow();
        }
    }

    private static StartCallRequest request(String number) {
        return new StartCallRequest(number, Optional.of("Hello"), Optional.empty(), Optional.empty(),
                Map.of(), Map.of("crm", "x".repeat(2000)), Optional.empty(), Optional.empty());
    }

    private static CallRecord dialing(String id) {
        return CallRecord.dialing(id, CallMode.SIP, request("79990001122"), T0);
    }

    /** Writes the filler file until the file system refuses another byte. */
    private void fillTheDisk() throws IOException {
        byte[] block = new byte[512];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
    }

    /** Waits for the journal to report a state; the writer retries every 20 ms. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the journal did not reach the expected state within 10 s");
            }
            Thread.sleep(5);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
