package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service on the demo network with RECORDING=on: a demo call's WAV has the agent's
 * greeting in the right channel from the answer, the phone silent in the left while it starts,
 * then the phone's phrase in the left (the demo phone waits for the greeting to end); it is
 * served with Range, and the consent notice is the start of what the agent says.
 */
@Tag("slow")
class CallRecordingEndToEndTest {
    private static final String NOTICE = "This call is recorded.";
    private static final int WINDOW_SAMPLES = 800; // 100 ms

    @TempDir
    static Path dataDir;

    private static Module module;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startService() throws Exception {
        Config config = ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 1_000, Map.of(
                "RECORDING", "on",
                "RECORDING_NOTICE", NOTICE)));
        module = Module.start(config);
    }

    @AfterAll
    static void stopService() {
        if (module != null) {
            module.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_greeting_is_in_the_right_channel_and_the_phone_s_phrase_in_the_left_after_it() throws Exception {
        Map<String, Object> started = json(send("POST", "/api/calls/start",
                "{\"phone_number\":\"+79990001122\",\"first_message\":\"Hello from the recording test.\"}", null));
        String id = (String) started.get("id");
        assertThat(((Map<String, Object>) started.get("request")).get("first_message"))
                .isEqualTo(NOTICE + " Hello from the recording test.");
        Map<String, Object> call = awaitRecordingFinished(id);
        assertThat(call.get("status")).isEqualTo("completed");
        assertThat(((List<Map<String, Object>>) call.get("transcript")).get(0).get("text")).asString()
                .startsWith(NOTICE);
        assertThat((Map<String, Object>) call.get("recording")).containsEntry("state", "complete")
                .containsEntry("dropped_ms", 0).containsEntry("url", "/api/calls/" + id + "/recording");

        HttpResponse<byte[]> whole = send("GET", "/api/calls/" + id + "/recording", null, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).contains("audio/wav");
        byte[] wav = whole.body();
        Path file = dataDir.resolve("recordings").resolve(id + ".wav");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        double[][] rms = windows(wav); // [window][0 = left/phone, 1 = right/sent]
        String profile = "RMS per 100 ms, phone/sent: " + java.util.Arrays.stream(rms)
                .map(w -> Math.round(w[0]) + "/" + Math.round(w[1])).toList();
        int greetingStart = firstLoud(rms, 1, 0);
        assertThat(greetingStart).as("the greeting plays from the answer; " + profile).isLessThanOrEqualTo(10);
        for (int w = greetingStart; w < greetingStart + 10; w++) {
            assertThat(rms[w][0]).as("the phone listens to the greeting's first second; " + profile).isLessThan(50);
        }
        int phraseStart = firstLoud(rms, 0, 0);
        long phraseWindows = java.util.Arrays.stream(rms).filter(w -> w[0] > 300).count();
        // the phone waits for the greeting to end (on a loaded machine a long gap in it may pass for the end)
        assertThat(phraseStart).as(profile).isGreaterThanOrEqualTo(greetingStart + 10);
        assertThat(phraseWindows).as("the phone's phrase: a second or more; " + profile).isGreaterThanOrEqualTo(10);

        HttpResponse<byte[]> head = send("GET", "/api/calls/" + id + "/recording", null, "bytes=0-43");
        assertThat(head.statusCode()).isEqualTo(206);
        assertThat(head.headers().firstValue("Content-Range")).contains("bytes 0-43/" + wav.length);
        assertThat(new String(head.body(), 0, 4)).isEqualTo("RIFF");
        HttpResponse<byte[]> tail = send("GET", "/api/calls/" + id + "/recording", null, "bytes=-100");
        assertThat(tail.body()).hasSize(100).isEqualTo(java.util.Arrays.copyOfRange(wav, wav.length - 100, wav.length));
        assertThat(send("GET", "/api/calls/" + id + "/recording", null, "bytes=" + wav.length + "-").statusCode())
                .isEqualTo(416);
    }

    @Test
    void a_call_that_asks_not_to_be_recorded_has_no_recording_and_no_notice() throws Exception {
        Map<String, Object> started = json(send("POST", "/api/calls/start",
                "{\"phone_number\":\"+79990000001\",\"record\":false}", null));
        String id = (String) started.get("id");
        assertThat(((Map<?, ?>) started.get("request")).get("first_message")).isNull();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"busy".equals(json(send("GET", "/api/calls/" + id, null, null)).get("status"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        HttpResponse<byte[]> reply = send("GET", "/api/calls/" + id + "/recording", null, null);
        assertThat(reply.statusCode()).isEqualTo(404);
        assertThat(new String(reply.body())).contains("has no recording");
        assertThat(send("GET", "/api/calls/c_nosuchcall/recording", null, null).statusCode()).isEqualTo(404);
    }

    /** RMS per 100 ms window of each channel, from the 16-bit stereo samples the 44-byte header counts. */
    private static double[][] windows(byte[] wav) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(22)).isEqualTo((short) 2);
        assertThat(b.getInt(24)).isEqualTo(8000);
        int frames = b.getInt(40) / 4;
        double[][] out = new double[frames / WINDOW_SAMPLES][2];
        for (int w = 0; w < out.length; w++) {
            double[] sum = new double[2];
            for (int i = 0; i < WINDOW_SAMPLES; i++) {
                int at = 44 + (w * WINDOW_SAMPLES + i) * 4;
                sum[0] += Math.pow(b.getShort(at), 2);
                sum[1] += Math.pow(b.getShort(at + 2), 2);
            }
            out[w][0] = Math.sqrt(sum[0] / WINDOW_SAMPLES);
            out[w][1] = Math.sqrt(sum[1] / WINDOW_SAMPLES);
        }
        return out;
    }

    private static int firstLoud(double[][] rms, int channel, int from) {
        for (int w = from; w < rms.length; w++) {
            if (rms[w][channel] > 300) {
                return w;
            }
        }
        throw new AssertionError("channel " + channel + " is silent from window " + from);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitRecordingFinished(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        Map<String, Object> call = json(send("GET", "/api/calls/" + id, null, null));
        while (System.nanoTime() < deadline && !(call.get("recording") instanceof Map<?, ?> r
                && !"recording".equals(((Map<String, Object>) r).get("state")))) {
            Thread.sleep(50);
            call = json(send("GET", "/api/calls/" + id, null, null));
        }
        return call;
    }

    private static Map<String, Object> json(HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).as(new String(response.body())).isBetween(200, 299);
        return JSON.std.mapFrom(response.body());
    }

    private static HttpResponse<byte[]> send(String method, String path, String body, String range)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + module.httpPort() + path));
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
