package io.voiceagent.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files (HTML, CSS, JavaScript, images), shipped in the jar under {@code /ui/} and
 * served as they are: no build step, nothing fetched from elsewhere, so the page works offline.
 * Names are plain file names of the one folder; anything else (paths, dot-files, unknown types) is
 * not an asset. Files are read once and kept.
 */
public final class UiAssets {
    /** The page served at {@code /}. */
    public static final String INDEX = "index.html";
    /** Only our own files, no inline code: scripts, styles and images from this origin, data from the API. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; media-src blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|css|js|png|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml");

    /** One file: its content type and bytes. */
    public record Asset(String name, String contentType, byte[] body) {
        public Asset {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

    /** The asset of that name, empty when there is none. */
    public Optional<Asset> find(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Asset cached = loaded.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = UiAssets.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            Asset asset = new Asset(name, TYPES.get(extension), in.readAllBytes());
            loaded.put(name, asset);
            return Optional.of(asset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard file " + name + " from the jar", e);
        }
    }
}
