package io.voiceagent.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the environment and an optional {@code .env} file (the environment wins), validates every
 * value and builds a {@link Config}. All problems are collected and reported together, each naming
 * the variable, the value (masked when secret) and what was expected.
 */
public final class ConfigLoader {
    /** Names whose values are masked in every message. */
    public static final Set<String> SECRET_NAMES = Set.of(
            "API_TOKEN", "EXOLVE_API_KEY", "EXOLVE_WEBHOOK_SECRET", "SIP_PASSWORD", "ELEVENLABS_API_KEY",
            "CALLBACK_SECRET");
    /** URLs that may carry a user:password or a token in the query: shown through {@link UrlMasking}. */
    private static final Set<String> URL_NAMES = Set.of("EXOLVE_API_URL", "ELEVENLABS_WS_URL", "ELEVENLABS_API_URL",
            "SOCKS5_PROXY", "CALLBACK_URL");

    /** Setting any of these leaves demo mode; the rest must then be complete. */
    private static final List<String> CREDENTIALS = List.of(
            "SIP_LOGIN", "SIP_PASSWORD", "ELEVENLABS_AGENT_ID", "ELEVENLABS_API_KEY",
            "EXOLVE_API_KEY", "EXOLVE_SOURCE_NUMBER");

    private static final Pattern LOG_LEVELS = Pattern.compile("TRACE|DEBUG|INFO|WARN|WARNING|ERROR|OFF");
    private static final Pattern PHONE_DIGITS = Pattern.compile("\\+?[0-9]{7,15}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

    /** A suggestion is offered only this close (edits) to a known name; farther off it would be a guess. */
    private static final int MAX_SUGGESTION_DISTANCE = 3;

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();
    /** Every name this loader looked up: the known variables are what a build reads, so no list can go stale. */
    private final Set<String> read = new LinkedHashSet<>();

    private ConfigLoader(Map<String, String> values) {
        this.values = values;
    }

    /**
     * The variables as read from the process environment and a {@code .env} file, kept apart because
     * they are judged apart: every unknown key in {@code .env} is a mistake, while the environment holds
     * other programs' variables too.
     */
    public record Variables(Map<String, String> environment, Map<String, String> dotEnv) {
        public Variables {
            environment = Map.copyOf(environment);
            dotEnv = Map.copyOf(dotEnv);
        }

        /** The environment wins over {@code .env}. */
        public Map<String, String> merged() {
            Map<String, String> merged = new HashMap<>(dotEnv);
            merged.putAll(environment);
            return merged;
        }
    }

    /** The process environment and {@code .env} in the working directory, not yet validated. */
    public static Variables read() throws ConfigException {
        return read(System.getenv(), Path.of(".env"));
    }

    public static Variables read(Map<String, String> environment, Path dotEnv) throws ConfigException {
        Map<String, String> fromFile = Map.of();
        if (Files.isRegularFile(dotEnv)) {
            try {
                fromFile = parseDotEnv(Files.readString(dotEnv, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(List.of(dotEnv + ": cannot be read: " + e.getMessage()));
            }
        }
        return new Variables(environment, fromFile);
    }

    public static Config fromMap(Map<String, String> values) throws ConfigException {
        return new ConfigLoader(values).build();
    }

    /**
     * Only what a client of the running service needs (HTTP_HOST, HTTP_PORT, API_TOKEN), so that a bad
     * value elsewhere does not stop {@code voiceagent calls}; the same checks as for the service.
     */
    public static ApiEndpoint apiEndpoint(Map<String, String> values) throws ConfigException {
        ConfigLoader loader = new ConfigLoader(values);
        ApiEndpoint endpoint = new ApiEndpoint(loader.httpHost(), loader.httpPort(), loader.secret("API_TOKEN"));
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems);
        }
        return endpoint;
    }

    /** Every variable the configuration reads, by name, sorted: the names a build of the defaults looks up. */
    public static Set<String> knownVariables() {
        return KnownNames.ALL;
    }

    /** Built once, on first use: a build of the defaults reads every name. */
    private static final class KnownNames {
        static final Set<String> ALL = readByABuild();
        /** Our names' first words with their underscore ({@code SIP_}, {@code HTTP_}, …). */
        static final Set<String> PREFIXES = ALL.stream()
                .map(name -> name.substring(0, name.indexOf('_') + 1))
                .filter(prefix -> !prefix.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));

        private static Set<String> readByABuild() {
            ConfigLoader loader = new ConfigLoader(Map.of());
            try {
                loader.build();
            } catch (ConfigException e) {
                throw new IllegalStateException("the defaults do not make a valid configuration: " + e.getMessage());
            }
            return Collections.unmodifiableSet(new TreeSet<>(loader.read));
        }
    }

    /**
     * One warning for each key that is not a variable of ours: every such key in {@code .env}, and those
     * in the environment that start like ours ({@code SIP_}, {@code HTTP_}, …; the environment also holds
     * other programs' variables). Each names the closest known variable when one is near.
     */
    public static List<String> warnings(Variables variables) {
        List<String> warnings = new ArrayList<>();
        variables.dotEnv().keySet().stream().sorted()
                .filter(key -> !KnownNames.ALL.contains(key))
                .forEach(key -> warnings.add(unknown(key, ".env")));
        variables.environment().keySet().stream().sorted()
                .filter(key -> !KnownNames.ALL.contains(key) && !variables.dotEnv().containsKey(key))
                .filter(key -> !OTHER_PROGRAMS.contains(key))
                .filter(key -> KnownNames.PREFIXES.stream().anyMatch(key::startsWith))
                .forEach(key -> warnings.add(unknown(key, "the environment")));
        return warnings;
    }

    /** Conventional variables of other programs that happen to start like ours. */
    private static final Set<String> OTHER_PROGRAMS = Set.of("HTTP_PROXY");

    private static String unknown(String key, String where) {
        return key + " (in " + where + ") is not a voiceagent variable and is ignored"
                + closest(key).map(name -> "; did you mean " + name + "?").orElse("");
    }

    /** The known name fewest edits away from {@code key}, if it is near enough to be a typo. */
    static Optional<String> closest(String key) {
        String upper = key.toUpperCase(Locale.ROOT);
        return KnownNames.ALL.stream()
                .min(Comparator.comparingInt((String name) -> editDistance(upper, name)))
                .filter(name -> editDistance(upper, name) <= Math.min(MAX_SUGGESTION_DISTANCE, name.length() / 3));
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** KEY=VALUE lines; blank lines and # comments ignored; optional {@code export }; quotes stripped. */
    static Map<String, String> parseDotEnv(String text) {
        Map<String, String> out = new HashMap<>();
        int lineNo = 0;
        for (String raw : text.split("\\R")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line " + lineNo + " is not KEY=VALUE");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int comment = value.indexOf(" #");
                if (comment >= 0) {
                    value = value.substring(0, comment).strip();
                }
            }
            out.put(key, value);
        }
        return out;
    }

    private Config build() throws ConfigException {
        Config.Http http = new Config.Http(
                httpHost(),
                httpPort(),
                secret("API_TOKEN"),
                integer("MAX_CONCURRENT_CALLS", 10, 1, 10_000),
                Path.of(string("DATA_DIR", "./var")),
                logLevel(),
                bool("DEBUG_ENDPOINTS", true),
                integer("JOURNAL_RETENTION_DAYS", 90, 1, 36_500),
                logFormat());
        boolean useHttp = bool("USE_EXOLVE_HTTP", false);
        Config.Exolve exolve = new Config.Exolve(
                useHttp,
                secret("EXOLVE_API_KEY"),
                httpUri("EXOLVE_API_URL", "https://api.exolve.ru", "http", "https"),
                phone("EXOLVE_SOURCE_NUMBER"),
                secret("EXOLVE_WEBHOOK_SECRET"),
                callMethod(),
                callbackResourceId());
        String server = string("SIP_SERVER", "80.75.130.100:5060");
        int sipPortMin = integer("SIP_PORT_MIN", 5060, 1, 65535);
        int sipPortMax = integer("SIP_PORT_MAX", 5080, 1, 65535);
        range("SIP_PORT_MIN", sipPortMin, "SIP_PORT_MAX", sipPortMax);
        Config.Sip sip = new Config.Sip(
                string("SIP_LOGIN", ""),
                secret("SIP_PASSWORD").orElse(Secret.of("")),
                string("SIP_DOMAIN", "sip.exolve.ru"),
                hostOf("SIP_SERVER", server),
                portOf("SIP_SERVER", server),
                sipPortMin,
                sipPortMax,
                publicIp(),
                integer("SIP_REGISTER_EXPIRES", 3600, 60, 86_400),
                Duration.ofSeconds(integer("CALL_RING_TIMEOUT_S", 60, 5, 600)),
                trustedPeers(), stunServer());
        if (useHttp && exolve.callMethod() == Config.Exolve.CallMethod.CALLBACK && present("SIP_LOGIN")
                && !sip.login().matches("[0-9]{1,20}")) {
            problems.add("SIP_LOGIN=" + sip.login() + ": expected the SIP ID's digits (EXOLVE_CALL_METHOD=callback"
                    + " asks Exolve to call that number as the second line)");
        }
        int rtpMin = integer("RTP_PORT_MIN", 10000, 1024, 65534);
        int rtpMax = integer("RTP_PORT_MAX", 20000, 1025, 65535);
        range("RTP_PORT_MIN", rtpMin, "RTP_PORT_MAX", rtpMax);
        if (rtpMax - rtpMin < 3) {
            problems.add("RTP_PORT_MIN..RTP_PORT_MAX=" + rtpMin + ".." + rtpMax
                    + ": expected room for at least two RTP/RTCP port pairs (RTP even, RTCP the next port)");
        }
        Config.Rtp rtp = new Config.Rtp(rtpMin, rtpMax,
                Duration.ofSeconds(integer("RTP_TIMEOUT_S", 30, 1, 3600)),
                Duration.ofSeconds(integer("CALL_HOLD_TIMEOUT_S",
                        (int) Config.Rtp.DEFAULT_HOLD_TIMEOUT.toSeconds(), 10, 86_400)),
                integer("RTP_PACER_RT_PRIORITY", Config.Rtp.DEFAULT_PACER_REALTIME_PRIORITY, 0, 99));
        Config.ElevenLabs elevenLabs = new Config.ElevenLabs(
                secret("ELEVENLABS_API_KEY"),
                agentId(),
                httpUri("ELEVENLABS_WS_URL", "wss://api.elevenlabs.io/v1/convai/conversation", "ws", "wss"),
                httpUri("ELEVENLABS_API_URL", "https://api.elevenlabs.io", "http", "https"),
                bool("ELEVENLABS_USE_SIGNED_URL", false),
                integer("ELEVENLABS_CHUNK_MS", 20, 20, 100),
                aiConnect(),
                Duration.ofSeconds(integer("AI_AUDIO_BUFFER_S",
                        (int) Config.ElevenLabs.DEFAULT_AGENT_AUDIO_BUFFER.toSeconds(), 10, 3600)));
        if (elevenLabs.chunkMs() % 20 != 0) {
            problems.add("ELEVENLABS_CHUNK_MS=" + elevenLabs.chunkMs()
                    + ": expected a multiple of 20 (one RTP packet) from 20 to 100");
        }
        Optional<Config.Proxy> proxy = proxy();
        boolean demo = credentialsFor(useHttp, elevenLabs.useSignedUrl());
        Config.Tools tools = new Config.Tools(voicemailAction(), amd(), transfer());
        Config.Webhooks webhooks = webhooks();
        Config.Recording recording = new Config.Recording(onOff("RECORDING", false), recordingFormat(),
                integer("RECORDING_RETENTION_DAYS", Config.Recording.DEFAULT_RETENTION_DAYS, 1, 3650),
                Optional.ofNullable(raw("RECORDING_NOTICE")));
        Config.DoNotCall doNotCall = Optional.ofNullable(raw("DNC_FILE")).map(f -> new Config.DoNotCall(Path.of(f)))
                .orElse(Config.DoNotCall.in(http.dataDir()));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, effectiveDespite(() -> new Config(http, exolve, sip, rtp, elevenLabs,
                    proxy, demo, tools, webhooks, recording, doNotCall)));
        }
        return new Config(http, exolve, sip, rtp, elevenLabs, proxy, demo, tools, webhooks, recording, doNotCall);
    }

    /**
     * The configuration as far as it could be read, bad values replaced by their defaults, for
     * {@code voiceagent config} to show beside the problems; empty when even that is not a valid whole.
     */
    private static Optional<Config> effectiveDespite(java.util.function.Supplier<Config> config) {
        try {
            return Optional.of(config.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True when no credential is set at all (demo); adds a problem when some but not all are set. */
    private boolean credentialsFor(boolean useHttp, boolean signedUrl) {
        List<String> required = new ArrayList<>(List.of("SIP_LOGIN", "SIP_PASSWORD", "ELEVENLABS_AGENT_ID"));
        if (signedUrl) {
            required.add("ELEVENLABS_API_KEY");
        }
        if (useHttp) {
            required.addAll(List.of("EXOLVE_API_KEY", "EXOLVE_SOURCE_NUMBER"));
        }
        boolean anySet = CREDENTIALS.stream().anyMatch(name -> present(name));
        if (!anySet) {
            return true;
        }
        List<String> missing = required.stream().filter(name -> !present(name)).toList();
        if (!missing.isEmpty()) {
            problems.add("credentials are partly set: missing " + String.join(", ", missing)
                    + (useHttp ? " (USE_EXOLVE_HTTP=true)" : " (SIP mode)")
                    + "; set them all, or none to run the built-in demo network");
        }
        return false;
    }

    private String httpHost() {
        return string("HTTP_HOST", "127.0.0.1");
    }

    private int httpPort() {
        return integer("HTTP_PORT", 8000, 0, 65535);
    }

    private boolean present(String name) {
        read.add(name);
        String v = values.get(name);
        return v != null && !v.isBlank();
    }

    private String raw(String name) {
        read.add(name);
        String v = values.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private String shown(String name, String value) {
        return SECRET_NAMES.contains(name) ? "****" : URL_NAMES.contains(name) ? UrlMasking.mask(value) : value;
    }

    private void problem(String name, String value, String expected) {
        problems.add(name + "=" + shown(name, value) + ": expected " + expected);
    }

    private String string(String name, String fallback) {
        String v = raw(name);
        return v == null ? fallback : v;
    }

    private Optional<Secret> secret(String name) {
        String v = raw(name);
        return v == null ? Optional.empty() : Optional.of(Secret.of(v));
    }

    private int integer(String name, int fallback, int min, int max) {
        String v = raw(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                problem(name, v, "an integer from " + min + " to " + max);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            problem(name, v, "an integer from " + min + " to " + max);
            return fallback;
        }
    }

    private Config.AiConnect aiConnect() {
        String v = raw("AI_CONNECT");
        if (v == null) {
            return Config.AiConnect.RINGING;
        }
        for (Config.AiConnect moment : Config.AiConnect.values()) {
            if (moment.wireName().equals(v.trim().toLowerCase(Locale.ROOT))) {
                return moment;
            }
        }
        problem("AI_CONNECT", v, "ringing or answer");
        return Config.AiConnect.RINGING;
    }

    private Config.Amd amd() {
        Config.Amd d = Config.Amd.DEFAULTS;
        String mode = raw("AMD");
        boolean local = false;
        if (mode != null) {
            switch (mode.trim().toLowerCase(Locale.ROOT)) {
                case "local" -> local = true;
                case "off" -> local = false;
                default -> problem("AMD", mode, "off or local");
            }
        }
        return new Config.Amd(local,
                integer("AMD_INITIAL_SILENCE_MS", d.initialSilenceMs(), 500, 10_000),
                integer("AMD_GREETING_MS", d.greetingMs(), 500, 10_000),
                integer("AMD_AFTER_GREETING_SILENCE_MS", d.afterGreetingSilenceMs(), 200, 5000),
                integer("AMD_MAX_MS", d.maxMs(), 1000, 15_000),
                integer("AMD_MIN_WORD_MS", d.minWordMs(), 20, 1000),
                integer("AMD_BETWEEN_WORDS_SILENCE_MS", d.betweenWordsSilenceMs(), 20, 1000),
                integer("AMD_MAX_WORD_MS", d.maxWordMs(), 500, 15_000),
                integer("AMD_MAX_WORDS", d.maxWords(), 1, 20),
                integer("AMD_SILENCE_THRESHOLD", d.silenceThreshold(), 1, 32_767));
    }

    private Config.Transfer transfer() {
        Config.TransferMode mode = Config.Transfer.DEFAULTS.mode();
        String v = raw("TRANSFER_MODE");
        if (v != null) {
            String wanted = v.trim().toLowerCase(Locale.ROOT);
            Optional<Config.TransferMode> named = java.util.Arrays.stream(Config.TransferMode.values())
                    .filter(m -> m.wireName().equals(wanted)).findFirst();
            if (named.isEmpty()) {
                problem("TRANSFER_MODE", v, "bridge or refer");
            }
            mode = named.orElse(mode);
        }
        return new Config.Transfer(mode, Duration.ofSeconds(integer("TRANSFER_RING_TIMEOUT_S",
                (int) Config.Transfer.DEFAULTS.ringTimeout().toSeconds(), 5, 300)), holdSound());
    }

    private Optional<HoldSound> holdSound() {
        String v = raw("TRANSFER_HOLD_SOUND");
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HoldSound.read(Path.of(v.strip())));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            problem("TRANSFER_HOLD_SOUND", v, "a readable WAV file of 16-bit PCM, mono, 8000 Hz, up to "
                    + HoldSound.MAX_SECONDS + " s (" + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getMessage()) + ")");
            return Optional.empty();
        }
    }

    private Config.VoicemailAction voicemailAction() {
        String v = raw("VOICEMAIL_ACTION");
        if (v == null) {
            return Config.VoicemailAction.HANGUP;
        }
        for (Config.VoicemailAction action : Config.VoicemailAction.values()) {
            if (action.wireName().equals(v.trim().toLowerCase(Locale.ROOT))) {
                return action;
            }
        }
        problem("VOICEMAIL_ACTION", v, "hangup or leave_message");
        return Config.VoicemailAction.HANGUP;
    }

    private boolean bool(String name, boolean fallback) {
        String v = raw(name);
        if (v == null) {
            return fallback;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> {
                return true;
            }
            case "false", "0", "no", "off" -> {
                return false;
            }
            default -> {
                problem(name, v, "true or false");
                return fallback;
            }
        }
    }

    private void range(String minName, int min, String maxName, int max) {
        if (min > max) {
            problems.add(minName + "=" + min + " is above " + maxName + "=" + max + ": expected min <= max");
        }
    }

    private String logLevel() {
        String v = string("LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.matcher(v).matches()) {
            problem("LOG_LEVEL", v, "one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
            return "INFO";
        }
        return v;
    }

    private String logFormat() {
        String v = string("LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
        if (!v.equals("text") && !v.equals("json")) {
            problem("LOG_FORMAT", v, "text or json");
            return "text";
        }
        return v;
    }

    private URI httpUri(String name, String fallback, String... schemes) {
        String v = string(name, fallback);
        try {
            URI uri = new URI(v);
            if (uri.getScheme() == null || !List.of(schemes).contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                problem(name, v, "an absolute " + String.join(" or ", schemes) + " URL");
                return URI.create(fallback);
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                problem(name, v, "an absolute " + String.join(" or ", schemes) + " URL with a port from 1 to 65535");
                return URI.create(fallback);
            }
            return uri;
        } catch (URISyntaxException e) {
            problem(name, v, "an absolute " + String.join(" or ", schemes) + " URL");
            return URI.create(fallback);
        }
    }

    private Config.Recording.Format recordingFormat() {
        String v = raw("RECORDING_FORMAT");
        if (v == null) {
            return Config.Recording.Format.PCM16;
        }
        for (Config.Recording.Format format : Config.Recording.Format.values()) {
            if (format.wireName().equalsIgnoreCase(v)) {
                return format;
            }
        }
        problem("RECORDING_FORMAT", v, "pcm16 or g711");
        return Config.Recording.Format.PCM16;
    }

    private boolean onOff(String name, boolean fallback) {
        String v = raw(name);
        if (v == null) {
            return fallback;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "on" -> {
                return true;
            }
            case "off" -> {
                return false;
            }
            default -> {
                problem(name, v, "on or off");
                return fallback;
            }
        }
    }

    /** CALLBACK_URL (http or https) and CALLBACK_SECRET: deliveries are always signed, so a URL needs the secret. */
    private Config.Webhooks webhooks() {
        Optional<URI> url = Optional.empty();
        String v = raw("CALLBACK_URL");
        if (v != null) {
            try {
                URI uri = new URI(v);
                if (uri.getScheme() != null && List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                        && uri.getHost() != null) {
                    url = Optional.of(uri);
                } else {
                    problem("CALLBACK_URL", v, "an absolute http or https URL");
                }
            } catch (URISyntaxException e) {
                problem("CALLBACK_URL", v, "an absolute http or https URL");
            }
        }
        Optional<Secret> secret = secret("CALLBACK_SECRET");
        if (secret.isPresent() && secret.get().reveal().length() < 16) {
            problems.add("CALLBACK_SECRET=****: expected at least 16 characters (it signs every webhook)");
        }
        if (v != null && secret.isEmpty()) {
            problems.add("CALLBACK_URL is set without CALLBACK_SECRET: expected a secret of at least 16 characters"
                    + " to sign the deliveries with");
        }
        return new Config.Webhooks(url, secret);
    }

    private String phone(String name) {
        String v = raw(name);
        if (v == null) {
            return "";
        }
        String compact = v.replaceAll("[\\s()-]", "");
        if (!PHONE_DIGITS.matcher(compact).matches()) {
            problem(name, v, "a phone number in international format, e.g. +74950000000");
            return "";
        }
        return compact.startsWith("+") ? compact.substring(1) : compact;
    }

    private String agentId() {
        String v = string("ELEVENLABS_AGENT_ID", "");
        if (!v.isEmpty() && !v.matches("[A-Za-z0-9_-]{1,128}")) {
            problem("ELEVENLABS_AGENT_ID", v, "letters, digits, '_' or '-' only");
            return "";
        }
        return v;
    }

    private Optional<String> publicIp() {
        String v = raw("SIP_PUBLIC_IP");
        if (v == null) {
            return Optional.empty();
        }
        if (!IPV4.matcher(v).matches()) {
            problem("SIP_PUBLIC_IP", v, "an IPv4 address such as 203.0.113.7");
            return Optional.empty();
        }
        return Optional.of(v);
    }

    private List<AddressBlock> trustedPeers() {
        String v = raw("SIP_TRUSTED_PEERS");
        if (v == null) {
            return List.of();
        }
        List<AddressBlock> blocks = new ArrayList<>();
        for (String entry : v.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                blocks.add(AddressBlock.parse(entry));
            } catch (IllegalArgumentException e) {
                problem("SIP_TRUSTED_PEERS", v, "comma-separated IP addresses or CIDR blocks such as "
                        + "80.75.130.100,80.75.130.0/24 (" + e.getMessage() + ")");
                return List.of();
            }
        }
        return blocks;
    }

    private Config.Exolve.CallMethod callMethod() {
        String v = string("EXOLVE_CALL_METHOD", Config.Exolve.CallMethod.CALLBACK.wireName());
        for (Config.Exolve.CallMethod method : Config.Exolve.CallMethod.values()) {
            if (method.wireName().equalsIgnoreCase(v)) {
                return method;
            }
        }
        problem("EXOLVE_CALL_METHOD", v, "callback or makecall");
        return Config.Exolve.CallMethod.CALLBACK;
    }

    private OptionalLong callbackResourceId() {
        String v = raw("EXOLVE_CALLBACK_RESOURCE_ID");
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return OptionalLong.of(id);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem("EXOLVE_CALLBACK_RESOURCE_ID", v, "a positive integer (the resource id from the Exolve console)");
        return OptionalLong.empty();
    }

    /** SIP_STUN_SERVER: host or host:port (3478 when the port is left out); unset means no STUN. */
    private Optional<Config.StunServer> stunServer() {
        String v = raw("SIP_STUN_SERVER");
        if (v == null) {
            return Optional.empty();
        }
        String expected = "host or host:port of a STUN server (RFC 5389), e.g. stun.example.org:3478";
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? v : v.substring(0, colon);
        int port = Config.StunServer.DEFAULT_PORT;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(v.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.-]+") || port < 1 || port > 65535) {
            problem("SIP_STUN_SERVER", v, expected);
            return Optional.empty();
        }
        return Optional.of(new Config.StunServer(host, port));
    }

    private String hostOf(String name, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.-]+")) {
            problem(name, hostPort, "host:port, e.g. 80.75.130.100:5060");
        }
        return host;
    }

    private int portOf(String name, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return 5060;
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(name, hostPort, "host:port with a port from 1 to 65535");
        return 5060;
    }

    private Optional<Config.Proxy> proxy() {
        String v = raw("SOCKS5_PROXY");
        if (v == null) {
            return Optional.empty();
        }
        String expected = "socks5://[user:pass@]host:port";
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("socks5") || scheme.equals("socks5h")) || uri.getHost() == null || uri.getPort() < 1
                    || uri.getPort() > 65535) {
                problems.add("SOCKS5_PROXY=" + UrlMasking.mask(v) + ": expected " + expected);
                return Optional.empty();
            }
            Optional<String> user = Optional.empty();
            Optional<Secret> pass = Optional.empty();
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                String u = colon < 0 ? userInfo : userInfo.substring(0, colon);
                user = Optional.of(java.net.URLDecoder.decode(u, StandardCharsets.UTF_8));
                if (colon >= 0) {
                    pass = Optional.of(Secret.of(
                            java.net.URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8)));
                }
            }
            return Optional.of(new Config.Proxy(uri.getHost(), uri.getPort(), user, pass));
        } catch (URISyntaxException e) {
            problems.add("SOCKS5_PROXY=" + UrlMasking.mask(v) + ": expected " + expected);
            return Optional.empty();
        }
    }

}
