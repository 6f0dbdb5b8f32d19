package io.voiceagent.bench;

import io.voiceagent.demo.agent.AudioProbe;
import io.voiceagent.demo.agent.FakeConversation;
import io.voiceagent.demo.carrier.RtpProbe;
import io.voiceagent.demo.carrier.SimulatedPhone;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The benchmark's instruments inside the simulated network. Phones say numbered frames
 * ({@link FrameMarker}) and the agent speaks numbered frames, so each frame is matched where it
 * comes out of the service with the moment it went in:
 * <ul>
 *   <li>uplink: phone sends frame i → the agent receives the {@code user_audio_chunk} holding frame i;</li>
 *   <li>downlink: the agent sends an {@code audio} event starting with frame i → the first RTP packet
 *       carrying frame i reaches the phone; frames the agent sent before the phone answered are left
 *       out (they wait for the answer, which the greeting latency measures);</li>
 *   <li>pacing: each phone's RTP arrivals against a 20 ms grid laid on the packets' sequence numbers;</li>
 *   <li>barge-in: once the reply's frame {@code interruptAtFrame} has been sent, the agent is told to interrupt
 *       (as if the caller spoke over it); from the {@code interruption} event's sending to the first silent
 *       packet at the phone is the interruption-to-silence time. Two seconds later the agent says a short
 *       goodbye and ends the call with its end_call tool. An interruption because a phone spoke over the
 *       agent (a barge-in: it heard a gap in the greeting as its end) is timed the same way, counted, and
 *       ends nothing; so does a reply the agent gave inside the phone's phrase (it heard a gap in it as the
 *       end of the caller's turn): interrupted as scripted, counted, no goodbye;</li>
 *   <li>the phones' sending: each phone's longest pause between two frames of its phrase, the network's
 *       own stalls, which a service filling the caller's silence passes on to the agent; and the longest
 *       run of silence the agent heard inside each phrase, which the phone never sends;</li>
 *   <li>pong delay: each ping's round trip as the agent sees it;</li>
 *   <li>agent-audio buffer depth: at each agent frame reaching the phone, how much later audio the agent had
 *       already sent, i.e. what waits in the service's queue.</li>
 * </ul>
 * A phone and a conversation belong to the same call when the conversation's dynamic variable
 * {@value #CALL_VARIABLE} is the number the phone answered.
 */
public final class NetworkRecorder implements RtpProbe, AudioProbe {

    /** The dynamic variable the benchmark sets to the dialled number. */
    public static final String CALL_VARIABLE = "bench_call";
    static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A packet this far behind its grid slot makes a one-frame playout buffer run dry. */
    static final long LATE_NANOS = FRAME_NANOS;
    private static final long SAMPLES_PER_FRAME = 160;

    private final int phraseFrames;
    private final int greetingFrames;
    private final int agentFrames;
    private final Map<String, CallTrace> calls = new ConcurrentHashMap<>();
    private final Map<FakeConversation, CallTrace> byConversation = new ConcurrentHashMap<>();
    private final Map<SimulatedPhone, CallTrace> byPhone = new ConcurrentHashMap<>();
    private final Samples uplink = new Samples();
    private final Samples downlink = new Samples();
    private final Samples downlinkReply = new Samples();
    /** The reply's first frame: nothing of the agent's is queued before it, so it is pure bridging delay. */
    private final Samples downlinkReplyStart = new Samples();
    private final AtomicLong sentBeforeAnswer = new AtomicLong();
    /**
     * Interruptions the agent sent because a phone spoke while it was still heard: a phone starts its
     * phrase at a pause in the greeting, so a greeting that reaches it with a gap (an agent or a
     * service short of CPU) makes it talk over the rest. The call goes on; counted after the warm-up.
     */
    private final AtomicLong phoneBargeIns = new AtomicLong();
    /**
     * The agent's reply reached its interruption while the phone was still saying its phrase: the agent
     * heard half a second of quiet inside it (the phone's sending stalled, or the service, behind on
     * the phone's packets, fed it silence) as the end of the caller's turn. Such a reply is interrupted
     * as scripted but says no goodbye, so the call goes on; counted after the warm-up.
     */
    private final AtomicLong repliesInsidePhrase = new AtomicLong();
    private final Samples interruptionToSilence = new Samples();
    private final Samples pongDelay = new Samples();
    private final Samples bufferDepth = new Samples();
    private final LeftOutTime leftOut = new LeftOutTime();
    private final int interruptAtFrame;
    private final byte[] goodbye;
    private final java.util.concurrent.ScheduledExecutorService goodbyes =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());

    /** What the benchmark knows about one call inside the network. */
    private static final class CallTrace {
        final ReentrantLock lock = new ReentrantLock();
        final AtomicLongArray phoneSentNanos;
        final AtomicLongArray agentSentNanos;
        long[] arrivals = new long[1024];
        long[] sequences = new long[1024];
        long[] timestamps = new long[1024];
        int packets;
        long highestSequence = -1;
        /** The highest agent frame sent so far, and when the last interruption went out (0: none pending). */
        volatile int highestAgentFrameSent = -1;
        volatile long interruptionSentNanos;
        /** The agent was told to interrupt its reply: interruptions before that were the phone's barge-ins. */
        volatile boolean scriptedInterruptionRequested;
        /** The phone's sending of its phrase (the network's pacing thread): the longest pause between two frames. */
        long lastPhraseFrameSentNanos;
        volatile long longestPhraseGapNanos;
        /** The phone has sent its phrase's last frame: only a reply after that is the script's last turn. */
        volatile boolean phraseSent;
        /** At the agent (its reader thread): inside the phrase, and frames in a row there that the phone never sent. */
        boolean phraseHeard;
        int silentRunFrames;
        volatile int longestSilentRunFrames;

        CallTrace(int phraseFrames, int agentFrames) {
            phoneSentNanos = new AtomicLongArray(phraseFrames);
            agentSentNanos = new AtomicLongArray(agentFrames);
        }

        void arrived(int sequence, long timestamp, long nanos) {
            long extended = extend(sequence);
            if (packets == arrivals.length) {
                arrivals = Arrays.copyOf(arrivals, packets * 2);
                sequences = Arrays.copyOf(sequences, packets * 2);
                timestamps = Arrays.copyOf(timestamps, packets * 2);
            }
            arrivals[packets] = nanos;
            sequences[packets] = extended;
            timestamps[packets] = timestamp;
            packets++;
        }

        /** The 16-bit sequence number unwrapped near the highest one seen. */
        private long extend(int sequence) {
            if (highestSequence < 0) {
                highestSequence = sequence;
                return sequence;
            }
            long candidate = (highestSequence & ~0xFFFFL) | sequence;
            if (candidate - highestSequence > 0x8000) {
                candidate -= 0x10000;
            } else if (highestSequence - candidate > 0x8000) {
                candidate += 0x10000;
            }
            highestSequence = Math.max(highestSequence, candidate);
            return candidate;
        }
    }

    /**
     * @param phraseFrames     how many numbered frames each phone says
     * @param greetingFrames   how many numbered frames the agent's greeting has (numbered from 0)
     * @param replyFrames      how many its reply has (numbered on from the greeting's)
     * @param interruptAtFrame the agent frame whose sending makes the agent interrupt itself, -1 for never
     * @param goodbye          what the agent says (numbered frames after the reply's) two seconds after
     *                         that interruption, before it ends the call
     */
    public NetworkRecorder(int phraseFrames, int greetingFrames, int replyFrames, int interruptAtFrame, byte[] goodbye) {
        this.phraseFrames = phraseFrames;
        this.greetingFrames = greetingFrames;
        this.agentFrames = greetingFrames + replyFrames + goodbye.length / FrameMarker.FRAME_BYTES;
        this.interruptAtFrame = interruptAtFrame;
        this.goodbye = goodbye.clone();
    }

    /** A call's trace by its number, which the service may have written with or without a leading +. */
    private CallTrace trace(String number) {
        return calls.computeIfAbsent(digits(number), key -> new CallTrace(phraseFrames, agentFrames));
    }

    /** Only the digits of a phone number: the key both sides of a call agree on. */
    public static String digits(String number) {
        StringBuilder digits = new StringBuilder(number.length());
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    private CallTrace trace(SimulatedPhone phone) {
        return byPhone.computeIfAbsent(phone, key -> trace(key.number()));
    }

    /** The frame number read at {@code offset}, if it is one and below {@code limit}. */
    private static OptionalInt frameIndex(byte[] audio, int offset, boolean aLaw, int limit) {
        OptionalInt index = FrameMarker.read(audio, offset, aLaw);
        return index.isPresent() && index.getAsInt() < limit ? index : OptionalInt.empty();
    }

    // ---- RTP at the phones ----

    @Override
    public void sent(SimulatedPhone phone, byte[] payload, long nanos) {
        OptionalInt index = frameIndex(payload, 0, phone.codec().equals("PCMA"), phraseFrames);
        if (index.isPresent()) {
            CallTrace trace = trace(phone);
            trace.phoneSentNanos.set(index.getAsInt(), nanos);
            if (index.getAsInt() > 0 && trace.lastPhraseFrameSentNanos != 0) {
                trace.longestPhraseGapNanos = Math.max(trace.longestPhraseGapNanos, nanos - trace.lastPhraseFrameSentNanos);
            }
            trace.lastPhraseFrameSentNanos = nanos;
            trace.phraseSent |= index.getAsInt() == phraseFrames - 1;
        }
    }

    @Override
    public void received(SimulatedPhone phone, int sequence, long timestamp, ByteBuffer payload, long nanos) {
        CallTrace trace = trace(phone);
        byte[] audio = new byte[payload.remaining()];
        payload.get(audio);
        trace.lock.lock();
        try {
            trace.arrived(sequence, timestamp, nanos);
        } finally {
            trace.lock.unlock();
        }
        boolean aLaw = phone.codec().equals("PCMA");
        long interruptedAt = trace.interruptionSentNanos;
        if (interruptedAt != 0 && nanos - interruptedAt > 0 && isSilence(audio, aLaw)) {
            trace.interruptionSentNanos = 0;
            interruptionToSilence.addSpan(interruptedAt, nanos);
        }
        OptionalInt index = frameIndex(audio, 0, aLaw, agentFrames);
        if (index.isPresent() && phone.answeredAtNanos() != 0) {
            bufferDepth.addAt(nanos, Math.max(0, trace.highestAgentFrameSent - index.getAsInt()) * FRAME_NANOS);
        }
        if (index.isPresent()) {
            long sentAt = trace.agentSentNanos.getAndSet(index.getAsInt(), 0); // the first packet with it counts
            if (sentAt != 0 && sentAt - phone.answeredAtNanos() >= 0) {
                downlink.addSpan(sentAt, nanos);
                if (index.getAsInt() >= greetingFrames) {
                    downlinkReply.addSpan(sentAt, nanos);
                }
                if (index.getAsInt() == greetingFrames) {
                    downlinkReplyStart.addSpan(sentAt, nanos);
                }
            } else if (sentAt != 0) {
                // Sent while the phone was still ringing: it waited for the answer, which the greeting figure covers.
                sentBeforeAnswer.incrementAndGet();
            }
        }
    }

    // ---- audio at the agent ----

    @Override
    public void userAudio(FakeConversation conversation, byte[] audio, long nanos) {
        CallTrace trace = callOf(conversation);
        if (trace == null) {
            return;
        }
        for (int offset = 0; offset + FrameMarker.FRAME_BYTES <= audio.length; offset += FrameMarker.FRAME_BYTES) {
            OptionalInt index = frameIndex(audio, offset, false, phraseFrames);
            if (index.isPresent()) {
                long sentAt = trace.phoneSentNanos.getAndSet(index.getAsInt(), 0);
                if (sentAt != 0) {
                    uplink.addSpan(sentAt, nanos);
                }
                trace.phraseHeard = index.getAsInt() < phraseFrames - 1;
                trace.silentRunFrames = 0;
            } else if (trace.phraseHeard) {
                // The phone sends its phrase without a break: any other frame inside it the service filled in
                // (its silence, μ-law straight or crossed over from A-law).
                trace.longestSilentRunFrames = Math.max(trace.longestSilentRunFrames, ++trace.silentRunFrames);
            }
        }
    }

    @Override
    public void agentAudio(FakeConversation conversation, byte[] audio, long nanos) {
        CallTrace trace = callOf(conversation);
        OptionalInt index = frameIndex(audio, 0, false, agentFrames);
        if (trace != null && index.isPresent()) {
            trace.agentSentNanos.set(index.getAsInt(), nanos);
            trace.highestAgentFrameSent = Math.max(trace.highestAgentFrameSent, index.getAsInt());
            if (index.getAsInt() == interruptAtFrame) {
                trace.scriptedInterruptionRequested = true;
                conversation.interrupt();
                if (trace.phraseSent) {
                    goodbyes.schedule(() -> conversation.speak("Sorry, I will let you go. Goodbye!", goodbye, true),
                            2, TimeUnit.SECONDS);
                } else {
                    repliesInsidePhrase.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void interruptionSent(FakeConversation conversation, long eventId, long nanos) {
        CallTrace trace = callOf(conversation);
        if (trace != null) {
            trace.interruptionSentNanos = nanos;
            if (!trace.scriptedInterruptionRequested) {
                phoneBargeIns.incrementAndGet();
            }
        }
    }

    @Override
    public void pongReceived(FakeConversation conversation, long eventId, long roundTripNanos) {
        long now = System.nanoTime();
        pongDelay.addSpan(now - roundTripNanos, now);
    }

    /** A packet of line silence: every byte the codec's silence value. */
    private static boolean isSilence(byte[] payload, boolean aLaw) {
        byte silence = aLaw ? (byte) 0xD5 : (byte) 0xFF;
        for (byte b : payload) {
            if (b != silence) {
                return false;
            }
        }
        return payload.length > 0;
    }

    private CallTrace callOf(FakeConversation conversation) {
        CallTrace known = byConversation.get(conversation);
        if (known != null) {
            return known;
        }
        Object variables = conversation.initiation().map(fields -> fields.get("dynamic_variables")).orElse(null);
        if (variables instanceof Map<?, ?> map && map.get(CALL_VARIABLE) instanceof String number) {
            CallTrace trace = trace(number);
            byConversation.put(conversation, trace);
            return trace;
        }
        return null;
    }

    // ---- results ----

    /** Pacing figures over every phone's packets but those {@link LeftOutTime} leaves out. */
    record Pacing(Distribution deviation, long packets, long late, long leftOut) {
    }

    /**
     * Each packet's lateness against its phone's 20 ms grid. The grid is laid on the sequence
     * numbers and anchored at the earliest packet of each run, a run being packets with consecutive
     * sequence numbers whose timestamps advance one frame each: a lost packet or a timestamp jump
     * (the service paused sending and said so, RFC 3550 §5.1) starts a new grid rather than counting
     * as lateness.
     */
    Pacing pacing() {
        List<long[]> all = new ArrayList<>();
        long late = 0;
        long count = 0;
        long leftOutPackets = 0;
        for (CallTrace trace : calls.values()) {
            trace.lock.lock();
            try {
                long[] deviations = gridDeviations(Arrays.copyOf(trace.arrivals, trace.packets),
                        Arrays.copyOf(trace.sequences, trace.packets), Arrays.copyOf(trace.timestamps, trace.packets));
                long[] kept = new long[deviations.length];
                int keptCount = 0;
                for (int i = 0; i < deviations.length; i++) {
                    long arrival = trace.arrivals[i];
                    if (leftOut.covers(arrival - deviations[i], arrival)) {
                        continue;
                    }
                    kept[keptCount++] = deviations[i];
                    if (deviations[i] > LATE_NANOS) {
                        late++;
                    }
                }
                leftOutPackets += deviations.length - keptCount;
                count += keptCount;
                all.add(Arrays.copyOf(kept, keptCount));
            } finally {
                trace.lock.unlock();
            }
        }
        long[] merged = new long[(int) count];
        int position = 0;
        for (long[] part : all) {
            System.arraycopy(part, 0, merged, position, part.length);
            position += part.length;
        }
        return new Pacing(Distribution.of(merged), count, late, leftOutPackets);
    }

    /** Lateness of each arrival behind the grid of its run; arrivals are in arrival order. */
    static long[] gridDeviations(long[] arrivals, long[] sequences, long[] timestamps) {
        Objects.requireNonNull(arrivals, "arrivals");
        long[] out = new long[arrivals.length];
        int runStart = 0;
        for (int i = 1; i <= arrivals.length; i++) {
            boolean runEnds = i == arrivals.length || sequences[i] != sequences[i - 1] + 1
                    || ((timestamps[i] - timestamps[i - 1]) & 0xFFFFFFFFL) != SAMPLES_PER_FRAME;
            if (runEnds) {
                long anchor = Long.MAX_VALUE;
                for (int j = runStart; j < i; j++) {
                    anchor = Math.min(anchor, arrivals[j] - (sequences[j] - sequences[runStart]) * FRAME_NANOS);
                }
                for (int j = runStart; j < i; j++) {
                    out[j] = arrivals[j] - (sequences[j] - sequences[runStart]) * FRAME_NANOS - anchor;
                }
                runStart = i;
            }
        }
        return out;
    }

    private void put(Map<String, Object> out, Map<String, Object> leftOutCounts, String name, Samples samples) {
        Samples.Kept kept = samples.distribution(leftOut);
        out.put(name, kept.distribution().toJson());
        leftOutCounts.put(name, kept.leftOut());
    }

    /** The warm-up is over: samples from before now are left out. */
    public void warmUpEnded() {
        leftOut.warmUpEndedAt(System.nanoTime());
        phoneBargeIns.set(0); // the warm-up's calls have all ended by now
        repliesInsidePhrase.set(0);
    }

    /** The benchmark starts stopping the service to look at it: samples from now on are left out. */
    public void probeStarted() {
        leftOut.probeStartedAt(System.nanoTime());
    }

    /** The look is over: samples are kept again once what queued up meanwhile has settled. */
    public void probeEnded() {
        leftOut.probeEndedAt(System.nanoTime());
    }

    /** Everything measured, as JSON-ready maps; {@code phones} adds each phone's own figures. */
    public Map<String, Object> toJson(List<SimulatedPhone> phones) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> leftOutCounts = new LinkedHashMap<>();
        put(out, leftOutCounts, "uplink", uplink);
        put(out, leftOutCounts, "downlink", downlink);
        put(out, leftOutCounts, "downlink_reply", downlinkReply);
        put(out, leftOutCounts, "downlink_reply_start", downlinkReplyStart);
        out.put("downlink_frames_sent_before_answer", sentBeforeAnswer.get());
        put(out, leftOutCounts, "interruption_to_silence", interruptionToSilence);
        out.put("phone_barge_ins", phoneBargeIns.get());
        out.put("replies_inside_phrase", repliesInsidePhrase.get());
        List<CallTrace> measured = phones.stream()
                .filter(phone -> !leftOut.inWarmUp(phone.answeredAtNanos())).map(this::trace).toList();
        out.put("phone_longest_sending_gap", Distribution.of(measured.stream()
                .mapToLong(trace -> trace.longestPhraseGapNanos).toArray()).toJson());
        out.put("agent_longest_silence_inside_phrase", Distribution.of(measured.stream()
                .mapToLong(trace -> trace.longestSilentRunFrames * FRAME_NANOS).toArray()).toJson());
        put(out, leftOutCounts, "pong_delay", pongDelay);
        put(out, leftOutCounts, "agent_buffer_depth", bufferDepth);
        Pacing pacing = pacing();
        out.put("pacing", pacing.deviation().toJson());
        out.put("pacing_packets", pacing.packets());
        out.put("pacing_late", pacing.late());
        leftOutCounts.put("pacing", pacing.leftOut());
        out.put("left_out", leftOutCounts);
        out.put("probe_ms", leftOut.probeNanos() / 1_000_000);
        List<Map<String, Object>> perPhone = new ArrayList<>();
        for (SimulatedPhone phone : phones) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("number", phone.number());
            entry.put("answered_at_ns", phone.answeredAtNanos());
            entry.put("greeting_ns", phone.greetingLatency().map(d -> d.toNanos()).orElse(null));
            entry.put("received", phone.packetsReceived());
            entry.put("lost", phone.packetsLost());
            entry.put("duplicated", phone.packetsDuplicated());
            entry.put("ended", phone.hasEnded());
            entry.put("longest_phrase_gap_ns", trace(phone).longestPhraseGapNanos);
            perPhone.add(entry);
        }
        out.put("phones", perPhone);
        return out;
    }
}
