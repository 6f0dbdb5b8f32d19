package io.voiceagent.demo.carrier;

import io.voiceagent.config.Secret;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * How the demo carrier behaves.
 *
 * @param realm               Digest realm and SIP domain, e.g. {@code demo.voiceagent.local}
 * @param username            the one account the registrar accepts
 * @param password            its password
 * @param ringTime            180 Ringing to 200 OK (or to 486 for the busy number)
 * @param maxCallLength       a phone hangs up this long after answering whatever happens
 * @param midCallHangupAfter  when the hang-up-mid-call number hangs up
 * @param endOfTurnSilence    the pause after speech that tells the phone the agent finished a turn
 * @param speechThreshold     RMS of a 20 ms frame (16-bit linear) above which it counts as speech
 * @param callerPhrase        what the phones say: raw G.711 mu-law, 8 kHz
 * @param recordAudio         whether phones keep the audio they receive (tests yes, benchmark no)
 * @param timers              RFC 3261 T1 and T2 for retransmissions
 * @param clock               wall clock (registration expiry)
 * @param nanoTime            monotonic time for measurements and deadlines; the pacing thread waits on
 *                            it, so it must advance like {@link System#nanoTime} (the benchmark may pass
 *                            its own to share a time base; logic tests drive {@code CallerScript} instead)
 * @param random              tags, branches, nonces, SSRCs
 */
public record DemoCarrierOptions(String realm, String username, Secret password, Duration ringTime,
                                 Duration maxCallLength, Duration midCallHangupAfter, Duration endOfTurnSilence,
                                 int speechThreshold, CallerPhrase callerPhrase, boolean recordAudio,
                                 Timers timers, Clock clock, LongSupplier nanoTime, RandomGenerator random) {

    public static final String DEFAULT_REALM = "demo.voiceagent.local";

    public DemoCarrierOptions {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        requirePositive(ringTime, "ringTime");
        requirePositive(maxCallLength, "maxCallLength");
        requirePositive(midCallHangupAfter, "midCallHangupAfter");
        requirePositive(endOfTurnSilence, "endOfTurnSilence");
        Objects.requireNonNull(callerPhrase, "callerPhrase");
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(random, "random");
    }

    /**
     * The demo's settings: ring 1 s, calls at most 60 s, mid-call hang-up after 3 s, a 700 ms pause
     * ends a turn, the phrase from {@code /demo/caller-phrase.ulaw}, system time and randomness.
     */
    public static DemoCarrierOptions defaults(String username, Secret password) {
        return defaults(username, password, CallerPhrase.fromResource());
    }

    /** {@link #defaults(String, Secret)} with another phrase. */
    public static DemoCarrierOptions defaults(String username, Secret password, CallerPhrase phrase) {
        return new DemoCarrierOptions(DEFAULT_REALM, username, password, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(3), Duration.ofMillis(700), 400,
                phrase, true, Timers.RFC_3261, Clock.systemUTC(), System::nanoTime, RandomGenerator.getDefault());
    }

    public DemoCarrierOptions withRingTime(Duration value) {
        return new DemoCarrierOptions(realm, username, password, value, maxCallLength, midCallHangupAfter,
                endOfTurnSilence, speechThreshold, callerPhrase, recordAudio, timers, clock, nanoTime, random);
    }

    public DemoCarrierOptions withMaxCallLength(Duration value) {
        return new DemoCarrierOptions(realm, username, password, ringTime, value, midCallHangupAfter,
                endOfTurnSilence, speechThreshold, callerPhrase, recordAudio, timers, clock, nanoTime, random);
    }

    public DemoCarrierOptions withMidCallHangupAfter(Duration value) {
        return new DemoCarrierOptions(realm, username, password, ringTime, maxCallLength, value,
                endOfTurnSilence, speechThreshold, callerPhrase, recordAudio, timers, clock, nanoTime, random);
    }

    /** The benchmark turns recording off to keep a phone's memory small. */
    public DemoCarrierOptions withRecordAudio(boolean value) {
        return new DemoCarrierOptions(realm, username, password, ringTime, maxCallLength, midCallHangupAfter,
                endOfTurnSilence, speechThreshold, callerPhrase, value, timers, clock, nanoTime, random);
    }

    public DemoCarrierOptions withTimers(Timers value) {
        return new DemoCarrierOptions(realm, username, password, ringTime, maxCallLength, midCallHangupAfter,
                endOfTurnSilence, speechThreshold, callerPhrase, recordAudio, value, clock, nanoTime, random);
    }

    public DemoCarrierOptions withTime(Clock clockValue, LongSupplier nanoTimeValue, RandomGenerator randomValue) {
        return new DemoCarrierOptions(realm, username, password, ringTime, maxCallLength, midCallHangupAfter,
                endOfTurnSilence, speechThreshold, callerPhrase, recordAudio, timers, clockValue, nanoTimeValue,
                randomValue);
    }

    /** RFC 3261 §17 T1 (first retransmission) and T2 (cap for non-INVITE and responses). */
    public record Timers(Duration t1, Duration t2) {
        public static final Timers RFC_3261 = new Timers(Duration.ofMillis(500), Duration.ofSeconds(4));

        public Timers {
            requirePositive(t1, "t1");
            requirePositive(t2, "t2");
        }

        /** Timers B, F, H: give up after 64·T1. */
        Duration transactionTimeout() {
            return t1.multipliedBy(64);
        }
    }

    /** The phrase a phone says: raw G.711 mu-law at 8 kHz, padded to whole 20 ms frames. */
    public record CallerPhrase(byte[] muLaw) {
        public static final String RESOURCE = "/demo/caller-phrase.ulaw";
        static final int FRAME_BYTES = 160;

        public CallerPhrase {
            Objects.requireNonNull(muLaw, "muLaw");
            if (muLaw.length == 0) {
                throw new IllegalArgumentException("the caller phrase is empty");
            }
            int padded = (muLaw.length + FRAME_BYTES - 1) / FRAME_BYTES * FRAME_BYTES;
            byte[] copy = Arrays.copyOf(muLaw, padded);
            Arrays.fill(copy, muLaw.length, padded, (byte) 0xFF);
            muLaw = copy;
        }

        /** The recording shipped with the demo ({@value #RESOURCE} on the class path). */
        public static CallerPhrase fromResource() {
            try (InputStream in = DemoCarrierOptions.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the demo caller phrase " + RESOURCE
                            + " is missing from the class path; rebuild the project");
                }
                return new CallerPhrase(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the demo caller phrase " + RESOURCE, e);
            }
        }

        int frames() {
            return muLaw.length / FRAME_BYTES;
        }

        @Override
        public byte[] muLaw() {
            return muLaw.clone();
        }

        /** Frame {@code index} in the call's codec, written into {@code out}. */
        void frame(int index, G711.Law law, byte[] out) {
            int offset = index * FRAME_BYTES;
            for (int i = 0; i < FRAME_BYTES; i++) {
                byte sample = muLaw[offset + i];
                out[i] = law == G711.Law.MU_LAW ? sample : G711.muLawToALaw(sample);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CallerPhrase other && Arrays.equals(muLaw, other.muLaw);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(muLaw);
        }

        @Override
        public String toString() {
            return "CallerPhrase[" + frames() * 20 + " ms]";
        }
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
