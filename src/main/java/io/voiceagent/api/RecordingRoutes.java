package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallService;
import io.voiceagent.recordings.RecordingLibrary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code GET /api/calls/{id}/recording}: the call's WAV, whole or one byte range (RFC 9110 section 14). */
final class RecordingRoutes {
    static final String WAV = "audio/wav";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final CallService calls;
    private final RecordingLibrary recordings;

    RecordingRoutes(CallService calls, RecordingLibrary recordings) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.recordings = Objects.requireNonNull(recordings, "recordings");
    }

    List<Route> routes() {
        return List.of(Route.at("/api/calls/{id}/recording", Access.TOKEN).get(this::recording).build());
    }

    private ApiResponse recording(ApiRequest request) throws ApiException {
        String id = request.pathParameter("id");
        Path file = recordings.file(id).orElseThrow(() -> calls.find(id).isPresent()
                ? ApiException.notFound("call '" + id + "' has no recording (RECORDING, or \"record\" on the call)")
                : CallRoutes.unknownCall(id));
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recording of call " + id, e);
        }
        Optional<long[]> range = range(request.header("Range"), size);
        if (range.isPresent() && range.get().length == 0) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "range_not_satisfiable");
            body.put("message", "the recording has " + size + " bytes");
            return new ApiResponse(416, ApiResponse.JSON, Json.write(body),
                    Map.of("Content-Range", "bytes */" + size));
        }
        long first = range.map(r -> r[0]).orElse(0L);
        long last = range.map(r -> r[1]).orElse(size - 1);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept-Ranges", "bytes");
        if (range.isPresent()) {
            headers.put("Content-Range", "bytes " + first + "-" + last + "/" + size);
        }
        long length = Math.max(0, last - first + 1);
        // Sent in pieces: an hour's stereo recording is over 100 MB, never held in memory whole.
        return ApiResponse.streaming(range.isPresent() ? 206 : 200, WAV, length, headers,
                out -> copy(file, first, length, out));
    }

    /** Writes {@code length} bytes of {@code file} from {@code first}; a file cut short is an error. */
    private static void copy(Path file, long first, long length, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER_BYTES);
            long position = first;
            long end = first + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException("the recording " + file + " ended at " + position + " of " + end);
                }
                out.write(buffer.array(), 0, n);
                position += n;
            }
        }
    }

    /**
     * The one range asked for as {first, last}, an empty array when it cannot be satisfied, or
     * nothing (the whole file) without a Range header or with one this server does not take
     * (several ranges, another unit), as RFC 9110 allows.
     */
    static Optional<long[]> range(Optional<String> header, long size) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = RANGE.matcher(header.get().strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                return suffix == 0 || size == 0 ? Optional.of(new long[0])
                        : Optional.of(new long[] {Math.max(0, size - suffix), size - 1});
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size || last < first) {
                return Optional.of(new long[0]);
            }
            return Optional.of(new long[] {first, last});
        } catch (NumberFormatException e) {
            return Optional.of(new long[0]);
        }
    }
}
