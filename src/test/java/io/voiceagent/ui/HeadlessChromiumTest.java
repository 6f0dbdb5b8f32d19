package io.voiceagent.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The browser harness itself: what a killed Chromium wrote is deleted with it, in TMPDIR too. */
class HeadlessChromiumTest {

    @Test
    void theSingletonSocketsDirectoryIsChromiumsOwnAndGoesWithIt() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        if (binary.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Chromium is needed for the browser harness under CI=true: apt-get install chromium");
            }
            Assumptions.abort("Chromium is not installed (apt-get install chromium)");
        }
        Path socketDirectory;
        Path root;
        try (HeadlessChromium chromium = HeadlessChromium.start(binary.get())) {
            root = chromium.root();
            // The profile links to the socket, which Chromium makes in a directory of TMPDIR.
            Path link = root.resolve("profile").resolve("SingletonSocket");
            assertThat(Files.isSymbolicLink(link)).as("Chromium's singleton socket link in its profile").isTrue();
            socketDirectory = Files.readSymbolicLink(link).getParent();
            assertThat(socketDirectory).startsWith(root.resolve("tmp"));
            assertThat(socketDirectory).isDirectory();
        }
        assertThat(socketDirectory).doesNotExist();
        assertThat(root).doesNotExist();
    }
}
