package io.voiceagent.sip.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sipp scenario from {@code src/test/resources/sipp/}. sipp has no include, so a line
 * {@code <!-- @include part.xml -->} is replaced by that resource (the registrar branch that every
 * call scenario shares) before the file is handed to sipp.
 */
record SippScenario(String name) {

    private static final Pattern INCLUDE = Pattern.compile("<!-- @include ([\\w.-]+) -->");

    SippScenario {
        Objects.requireNonNull(name, "name");
    }

    static SippScenario named(String name) {
        return new SippScenario(name);
    }

    /** Writes the expanded scenario into {@code dir} and returns its path. */
    Path writeTo(Path dir) {
        String expanded = INCLUDE.matcher(resource(name)).replaceAll(m -> Matcher.quoteReplacement(resource(m.group(1))));
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, expanded, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scenario " + file, e);
        }
        return file;
    }

    private static String resource(String fileName) {
        String path = "/sipp/" + fileName;
        try (InputStream in = SippScenario.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sipp scenario resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
