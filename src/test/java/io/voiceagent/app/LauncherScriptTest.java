package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/voiceagent} run for real on copies of a checkout and of a release: a stale jar under
 * systemd exits 2 instead of building (so {@code RestartPreventExitStatus=2} ends the loop), and a
 * release never builds. A {@code mvn} on PATH that only leaves a mark proves whether a build was tried.
 */
@Tag("slow")
class LauncherScriptTest {
    @TempDir
    Path root;
    @TempDir
    Path tools;

    private Path mavenMark;

    @BeforeEach
    void fakeMaven() throws IOException {
        mavenMark = tools.resolve("mvn-was-run");
        Path mvn = tools.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + mavenMark + "'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("bin/voiceagent"), root.resolve("bin/voiceagent"));
    }

    private record Run(int code, String stderr) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = root.resolve("bin/voiceagent").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("INVOCATION_ID");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PATH", tools + ":/usr/bin:/bin");
        builder.environment().putAll(env);
        Process process = builder.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), stderr);
    }

    private void staleCheckout() throws IOException {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.createDirectories(root.resolve("target/lib"));
        Files.writeString(root.resolve("target/voiceagent.jar"), "old");
        Files.setLastModifiedTime(root.resolve("target/voiceagent.jar"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.createDirectories(root.resolve("src/main/java"));
        Files.writeString(root.resolve("src/main/java/Changed.java"), "class Changed {}");
    }

    @Test
    void aStaleCheckoutUnderSystemdExits2WithARebuildMessageAndDoesNotBuild() throws Exception {
        staleCheckout();

        Run run = run(Map.of("INVOCATION_ID", "0123456789abcdef"), "start");

        assertThat(run.code()).as(run.stderr()).isEqualTo(2);
        assertThat(run.stderr()).contains("older than the sources", "Rebuild it", "systemctl restart voiceagent");
        assertThat(mavenMark).doesNotExist();
    }

    @Test
    void aStaleCheckoutOutsideSystemdBuilds() throws Exception {
        staleCheckout();

        Run run = run(Map.of(), "version");

        assertThat(mavenMark).as(run.stderr()).exists();
        assertThat(run.code()).isEqualTo(1); // this fake Maven fails the build
    }

    @Test
    void aReleaseRunsItsJarAsItIsAndNeverBuilds() throws Exception {
        Files.writeString(root.resolve("RELEASE"), "voiceagent test release\n");
        Files.createDirectories(root.resolve("lib"));
        Files.writeString(root.resolve("voiceagent.jar"), "not really a jar");
        Files.createDirectories(root.resolve("src/main/java"));
        Files.writeString(root.resolve("src/main/java/Newer.java"), "class Newer {}");

        Run run = run(Map.of(), "version");
        Run test = run(Map.of(), "test");

        assertThat(run.stderr()).contains("voiceagent.jar"); // java itself refused the fake jar
        assertThat(test.code()).isEqualTo(2);
        assertThat(test.stderr()).contains("this is a release");
        assertThat(mavenMark).doesNotExist();
    }
}
