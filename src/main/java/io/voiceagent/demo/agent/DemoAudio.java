package io.voiceagent.demo.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The speech recordings shipped in {@code src/main/resources/demo/} (raw 8 kHz mu-law, see the README
 * there): what the simulated agent says and what the simulated phones say.
 */
public final class DemoAudio {
    private DemoAudio() {
    }

    /** "Hello! This is the voiceagent demo. How can I help you today?" */
    public static byte[] greeting() {
        return load("greeting.ulaw");
    }

    /** "Thank you. Goodbye!" */
    public static byte[] reply() {
        return load("reply.ulaw");
    }

    /** "Hi, I would like to know my balance please." */
    public static byte[] callerPhrase() {
        return load("caller-phrase.ulaw");
    }

    private static byte[] load(String name) {
        try (InputStream in = DemoAudio.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("demo audio resource /demo/" + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading demo audio /demo/" + name, e);
        }
    }
}
