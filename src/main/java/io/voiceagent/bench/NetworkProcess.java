package io.voiceagent.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.demo.DemoNetwork;
import io.voiceagent.demo.carrier.DemoCarrier;
import io.voiceagent.demo.carrier.DemoCarrierOptions;
import io.voiceagent.demo.carrier.SimulatedPhone;
import io.voiceagent.os.ThreadPriority;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the demo network on its own, in its own JVM, for the load benchmark: phones that say
 * numbered frames for about {@code --hold-seconds} after the greeting, an agent whose greeting and
 * reply are numbered frames, and a {@link NetworkRecorder} watching both. Prints one JSON line with
 * the network's addresses and credentials, then answers commands read from stdin, one a line:
 * {@code status} (calls answered and ended so far), {@code dump} (every measurement) and
 * {@code quit}. Each answer is one JSON line. End of input also quits.
 */
public final class NetworkProcess {

    private static final int GREETING_FRAMES = 50;
    /** A 5 s reply, streamed at the fake's 4x: most of it waits in the service when the barge-in comes. */
    private static final int REPLY_FRAMES = 250;
    /** The reply's frame whose sending makes the agent interrupt itself: 3 s of it sent, ~2.2 s still queued. */
    private static final int INTERRUPT_AT_FRAME = GREETING_FRAMES + 150;
    private static final int GOODBYE_FRAMES = 25;
    /** Ring, greeting, the pauses that end turns, the reply and goodbye: the part of a call that is not the phrase. */
    private static final Duration CALL_OVERHEAD = Duration.ofMillis(6_000);
    /**
     * The nice value asked for the thread that timestamps the phones' RTP: real phones are other
     * machines, whose clocks do not wait for this one's cores; at a normal priority, with the
     * service and the network filling both cores, a packet's arrival was timed when that thread next
     * got a core, and the pacing measured was this process's own queueing as much as the service's.
     */
    static final int RECEIVE_NICE = -10;

    private NetworkProcess() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Duration hold = Duration.ofSeconds(20);
        Duration ring = Duration.ofMillis(100);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hold-seconds" -> hold = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--ring-ms" -> ring = Duration.ofMillis(Long.parseLong(args[++i]));
                default -> {
                    System.err.println("usage: NetworkProcess [--hold-seconds T] [--ring-ms MS]");
                    System.exit(2);
                }
            }
        }
        int phraseFrames = (int) Math.max(50, hold.minus(CALL_OVERHEAD).toMillis() / 20);
        NetworkRecorder recorder = new NetworkRecorder(phraseFrames, GREETING_FRAMES, REPLY_FRAMES, INTERRUPT_AT_FRAME,
                FrameMarker.ulawRecording(GREETING_FRAMES + REPLY_FRAMES, GOODBYE_FRAMES));
        DemoCarrierOptions carrierOptions = DemoCarrierOptions.defaults(DemoNetwork.SIP_LOGIN, DemoNetwork.SIP_PASSWORD,
                        new DemoCarrierOptions.CallerPhrase(FrameMarker.ulawRecording(0, phraseFrames)))
                .withRecordAudio(false)
                .withRingTime(ring)
                .withMaxCallLength(hold.plusSeconds(60));
        var agentOptions = DemoNetwork.agentOptions().toBuilder()
                .greeting("Hello, this is the benchmark.", FrameMarker.ulawRecording(0, GREETING_FRAMES))
                .reply("Thank you. Let me tell you about our offer.", FrameMarker.ulawRecording(GREETING_FRAMES, REPLY_FRAMES))
                .endCallAfterReply(false)
                .turnTimeout(Duration.ZERO)
                .recordTraffic(false) // the recorder's probes measure; 1,000 calls' audio kept would be 320 MB
                .build();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (DemoNetwork network = DemoNetwork.start(carrierOptions, agentOptions, recorder, recorder)) {
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("pid", ProcessHandle.current().pid());
            ready.put("sip_server", network.carrier().host() + ":" + network.carrier().port());
            ready.put("sip_domain", network.carrier().realm());
            ready.put("sip_login", DemoNetwork.SIP_LOGIN);
            ready.put("sip_password", DemoNetwork.SIP_PASSWORD.reveal());
            ready.put("agent_ws_url", network.agent().webSocketUri().toString());
            ready.put("agent_api_url", network.agent().apiUri().toString());
            ready.put("agent_id", DemoNetwork.AGENT_ID);
            ready.put("agent_api_key", DemoNetwork.AGENT_API_KEY.reveal());
            ready.put("phrase_frames", phraseFrames);
            // Needs root or CAP_SYS_NICE; without them the phones' arrivals are timed at a normal priority.
            ready.put("phones_receive_nice",
                    ThreadPriority.setNice(DemoCarrier.RTP_RECEIVER_THREAD, RECEIVE_NICE) > 0 ? RECEIVE_NICE : 0);
            out.println(JSON.std.asString(ready));
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                switch (line.strip()) {
                    case "status" -> out.println(JSON.std.asString(status(network)));
                    case "dump" -> out.println(JSON.std.asString(recorder.toJson(network.carrier().phones())));
                    case "warm-up-ended" -> {
                        recorder.warmUpEnded();
                        out.println(JSON.std.asString(status(network)));
                    }
                    case "probe-start" -> {
                        recorder.probeStarted();
                        out.println(JSON.std.asString(status(network)));
                    }
                    case "probe-end" -> {
                        recorder.probeEnded();
                        out.println(JSON.std.asString(status(network)));
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> out.println(JSON.std.asString(Map.of("error", "unknown command: " + line)));
                }
            }
        }
    }

    private static Map<String, Object> status(DemoNetwork network) {
        List<SimulatedPhone> phones = network.carrier().phones();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("registered", network.carrier().registeredContact().isPresent());
        status.put("answered", phones.size());
        status.put("ended", phones.stream().filter(SimulatedPhone::hasEnded).count());
        status.put("open_conversations", network.agent().openConversations());
        return status;
    }
}
