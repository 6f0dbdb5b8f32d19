package io.voiceagent.sip.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * A program from a Debian package that an interop test runs. When it is missing the test fails in
 * CI (environment {@code CI=true}) and is skipped, with the reason, everywhere else: never silently.
 */
record ExternalTool(String command, String debianPackage) {

    static final ExternalTool SIPP = new ExternalTool("sipp", "sip-tester");
    static final ExternalTool KAMAILIO = new ExternalTool("kamailio", "kamailio");

    /** The executable, or the test ends here (failed in CI, skipped elsewhere). */
    Path require() {
        return require(System.getenv());
    }

    /** {@link #require()} reading {@code CI} and {@code PATH} from {@code environment}. */
    Path require(Map<String, String> environment) {
        Optional<Path> found = locate(environment.get("PATH"));
        if (found.isPresent()) {
            return found.get();
        }
        String reason = "'" + command + "' is not installed (Debian package " + debianPackage
                + ": apt-get install -y " + debianPackage + ")";
        if ("true".equalsIgnoreCase(environment.get("CI"))) {
            throw new AssertionError(reason + "; CI must install it, interop tests are never skipped there");
        }
        Assumptions.abort(reason + "; interop test skipped (with CI=true this is a failure)");
        throw new AssertionError("unreachable: Assumptions.abort returned");
    }

    /** Whether {@code command} is on the PATH (or in /usr/sbin, /usr/bin). */
    static boolean isInstalled(String command) {
        return new ExternalTool(command, command).locate(System.getenv("PATH")).isPresent();
    }

    private Optional<Path> locate(String path) {
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        // kamailio lives in sbin, which a non-root PATH often lacks
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/usr/bin"));
        return dirs.stream().map(d -> d.resolve(command)).filter(Files::isExecutable).findFirst();
    }
}
