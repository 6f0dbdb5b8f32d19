package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallService;
import io.voiceagent.recordings.RecordingLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
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
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.max(0, last - first + 1));
            while (bytes.hasRemaining() && channel.read(bytes, first + bytes.position()) > 0) {
                // reads until the slice is full
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept-Ranges", "bytes");
            if (range.isPresent()) {
                headers.put("Content-Range", "bytes " + first + "-" + last + "/" + size);
            }
            return new ApiResponse(range.isPresent() ? 206 : 200, WAV, bytes.array(), headers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recording of call " + id, e);
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
