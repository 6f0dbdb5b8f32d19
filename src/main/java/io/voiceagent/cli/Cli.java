package io.voiceagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.ApiEndpoint;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigException;
import io.voiceagent.config.ConfigLoader;
import io.voiceagent.config.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code voiceagent} command line: {@code start} and {@code demo} hand the configuration to the
 * service runner, the other commands talk to the running service over its HTTP API.
 * Exit codes: {@link #OK}, {@link #FAILURE} at run time, {@link #USAGE} for bad usage or configuration.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    /** How long the call follower waits before reconnecting a dropped event stream. */
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    private static final int DEFAULT_LIST_LIMIT = 20;

    private final ServiceRunner service;
    private final ConfigSource configSource;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration reconnectDelay;
    private final boolean terminal;

    /**
     * @param reconnectDelay the wait before following an event stream again, and between a campaign's status polls
     * @param terminal       whether {@code out} is a terminal (a campaign's progress is then one redrawn bar)
     */
    public Cli(ServiceRunner service, ConfigSource configSource, PrintStream out, PrintStream err,
               Duration reconnectDelay, boolean terminal) {
        this.terminal = terminal;
        this.service = Objects.requireNonNull(service, "service");
        this.configSource = Objects.requireNonNull(configSource, "configSource");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.reconnectDelay = Objects.requireNonNull(reconnectDelay, "reconnectDelay");
    }

    /** The command line as the process runs it: environment and {@code .env}, stdout and stderr. */
    public static Cli standard(ServiceRunner service) {
        return new Cli(service, ConfigLoader::read, System.out, System.err, RECONNECT_DELAY, System.console() != null);
    }

    public int run(String... args) {
        if (args.length == 0) {
            err.print(Command.overview());
            return USAGE;
        }
        String first = args[0];
        if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
            return help(args.length > 1 ? args[1] : null);
        }
        if (first.equals("--version")) {
            return version();
        }
        Optional<Command> command = Command.find(first);
        if (command.isEmpty()) {
            err.println("voiceagent: unknown command '" + first + "'\n");
            err.print(Command.overview());
            return USAGE;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(command.get().help());
            return OK;
        }
        try {
            return execute(command.get(), rest);
        } catch (UsageException e) {
            err.println("voiceagent " + e.command().word() + ": " + e.getMessage() + "\n");
            err.print(e.command().help());
            return USAGE;
        } catch (ConfigException e) {
            printProblems(e);
            return USAGE;
        } catch (CliFailure e) {
            err.println("voiceagent: " + e.getMessage());
            return FAILURE;
        }
    }

    private int execute(Command command, List<String> args) throws UsageException, ConfigException, CliFailure {
        return switch (command) {
            case START -> {
                noArguments(command, args);
                yield service.run(serviceConfig());
            }
            case DEMO -> {
                noArguments(command, args);
                Config config = serviceConfig();
                yield service.run(new Config(config.http(), config.exolve(), config.sip(), config.rtp(),
                        config.elevenLabs(), config.proxy(), true, config.tools(), config.webhooks(),
                        config.recording(), config.doNotCall()));
            }
            case TEST -> {
                err.println("voiceagent test: run the suite with bin/voiceagent test (it needs Maven and the sources)");
                yield USAGE;
            }
            case DIST -> {
                err.println("voiceagent dist: build the release with bin/voiceagent dist in a source checkout");
                yield USAGE;
            }
            case CONFIG -> {
                List<String> rest = new ArrayList<>();
                boolean json = jsonFlag(args, rest);
                noArguments(command, rest);
                yield config(json);
            }
            case CALL -> call(args);
            case CALLS -> calls(args);
            case HANGUP -> hangup(args);
            case TRANSFER -> transfer(args);
            case CAMPAIGN -> campaign(args);
            case VERSION -> {
                noArguments(command, args);
                yield version();
            }
            case BENCH -> io.voiceagent.bench.Benchmark.run(args.toArray(String[]::new));
        };
    }

    private int help(String word) {
        if (word == null) {
            out.print(Command.overview());
            return OK;
        }
        Optional<Command> command = Command.find(word);
        if (command.isEmpty()) {
            err.println("voiceagent: unknown command '" + word + "'\n");
            err.print(Command.overview());
            return USAGE;
        }
        out.print(command.get().help());
        return OK;
    }

    private int version() {
        String version = Objects.requireNonNullElse(Cli.class.getPackage().getImplementationVersion(), "dev");
        out.println("voiceagent " + version + " (Java " + Runtime.version() + ")");
        return OK;
    }

    /** The whole configuration, for the service itself; unknown variables are warned about on stderr. */
    private Config serviceConfig() throws ConfigException {
        ConfigLoader.Variables variables = configSource.variables();
        for (String warning : ConfigLoader.warnings(variables)) {
            err.println("voiceagent: warning: " + warning);
        }
        return ConfigLoader.fromMap(variables.merged());
    }

    /**
     * A client of the running service: {@code --url} and {@code --token} when given, otherwise HTTP_HOST,
     * HTTP_PORT and API_TOKEN, and nothing else, so an unrelated bad variable does not stop the command.
     */
    private ServiceClient client(Command command, Map<String, String> options)
            throws UsageException, ConfigException, CliFailure {
        Optional<Secret> token = Optional.ofNullable(options.get("token")).map(Secret::of);
        Optional<URI> url = Optional.empty();
        if (options.containsKey("url")) {
            url = Optional.of(serviceUrl(options.get("url")).orElseThrow(() -> new UsageException(command,
                    "--url " + options.get("url") + ": expected the service's address, e.g. http://127.0.0.1:8000")));
        }
        if (url.isPresent() && token.isPresent()) {
            return ServiceClient.at(url.get(), token);
        }
        ApiEndpoint endpoint = ConfigLoader.apiEndpoint(configSource.variables().merged());
        Optional<Secret> chosenToken = token.isPresent() ? token : endpoint.token();
        return url.isPresent() ? ServiceClient.at(url.get(), chosenToken)
                : ServiceClient.forEndpoint(new ApiEndpoint(endpoint.host(), endpoint.port(), chosenToken));
    }

    /** An http or https URL with a host and no query, fragment or user; empty for anything else. */
    private static Optional<URI> serviceUrl(String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean usable = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
            return usable ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private int config(boolean json) throws CliFailure {
        Config config;
        List<String> problems;
        try {
            config = serviceConfig();
            problems = List.of();
        } catch (ConfigException e) {
            // the settings still go to stdout, whatever the problems; the problems go to stderr
            printProblems(e);
            if (e.effective().isEmpty()) {
                return USAGE;
            }
            config = e.effective().get();
            problems = e.problems();
        }
        Map<String, String> settings = config.describe();
        if (json) {
            printJson(settings);
            return problems.isEmpty() ? OK : USAGE;
        }
        int width = settings.keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> named = problems;
        settings.forEach((name, value) -> out.printf("%-" + width + "s  %s%s%n", name, value,
                named.stream().anyMatch(p -> p.startsWith(name)) ? "   <- a problem (on stderr): the default is shown" : ""));
        if (!problems.isEmpty()) {
            return USAGE;
        }
        out.println();
        out.println(config.demo()
                ? "Mode: demo (no telephony or AI credentials set: calls go to the built-in demo network)"
                : "Mode: " + (config.exolve().useHttp() ? "Exolve HTTP API" : "SIP") + " through "
                        + config.sip().serverHost() + ":" + config.sip().serverPort());
        if (!config.demo()) {
            out.println(natAdvice(config.sip()));
        }
        out.println("Configuration OK.");
        return OK;
    }

    /** What the SDP will carry behind NAT, and a warning when SIP_PUBLIC_IP is an address the carrier cannot reach. */
    private static String natAdvice(Config.Sip sip) {
        String stun = sip.stunServer().map(s -> ", ports from STUN " + s).orElse("");
        if (sip.publicIp().isEmpty()) {
            return "NAT: SIP_PUBLIC_IP unset: Contact and SDP use the address the registrar reports (received/rport)"
                    + (sip.stunServer().isPresent() ? " or STUN " + sip.stunServer().get() : "")
                    + "; GET /health shows address_warning if that address is private.";
        }
        String publicIp = sip.publicIp().get();
        try {
            java.net.InetAddress carrier = java.net.InetAddress.getByName(sip.serverHost());
            return io.voiceagent.sip.AdvertisedAddress.warning(publicIp, carrier)
                    .map(warning -> "WARNING: " + warning)
                    .orElse("NAT: Contact and SDP use SIP_PUBLIC_IP " + publicIp + stun + ".");
        } catch (java.net.UnknownHostException e) {
            return "NAT: SIP_PUBLIC_IP " + publicIp + stun + " (SIP_SERVER " + sip.serverHost()
                    + " does not resolve here, so it was not checked).";
        }
    }

    private void printProblems(ConfigException e) {
        err.println("voiceagent: the configuration has " + e.problems().size()
                + (e.problems().size() == 1 ? " problem:" : " problems:"));
        for (String problem : e.problems()) {
            err.println("  - " + problem);
        }
        err.println("Set these in the environment or in ./.env (voiceagent config shows the result).");
    }

    private int call(List<String> arguments) throws UsageException, ConfigException, CliFailure {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        boolean json = jsonFlag(arguments, args);
        List<String> positional = new ArrayList<>();
        Map<String, String> options = options(Command.CALL, args, List.of("first-message", "prompt", "language",
                "url", "token"), positional);
        Map<String, String> access = clientOptions(options);
        if (positional.isEmpty()) {
            throw new UsageException(Command.CALL, "the phone number is missing");
        }
        // An unquoted "+7 999 000-11-22" arrives as several arguments; the service normalises the whole.
        body.put("phone_number", String.join(" ", positional));
        options.forEach((name, value) -> body.put(name.replace('-', '_'), value));
        try (ServiceClient client = client(Command.CALL, access)) {
            // One key per invocation: a retried request cannot place a second call.
            ServiceClient.Reply started = client.startCall(body, java.util.UUID.randomUUID().toString());
            if (started.status() == 400) {
                throw new UsageException(Command.CALL, started.message());
            }
            if (!started.ok()) {
                throw new CliFailure("the call was not placed: " + started.message());
            }
            Map<String, Object> record = started.body();
            PrintStream progress = json ? new PrintStream(OutputStream.nullOutputStream()) : out;
            progress.println("Call " + record.get("id") + " to +" + record.get("phone_number") + " ("
                    + record.get("mode") + "). Ctrl-C stops following; the call goes on.");
            Map<String, Object> last = new CallFollower(client, progress, reconnectDelay).follow(record);
            if (json) {
                printJson(last);
            }
            return "completed".equals(last.get("status")) ? OK : FAILURE;
        }
    }

    private int calls(List<String> arguments) throws UsageException, ConfigException, CliFailure {
        List<String> args = new ArrayList<>();
        boolean json = jsonFlag(arguments, args);
        List<String> positional = new ArrayList<>();
        Map<String, String> options = options(Command.CALLS, args, List.of("status", "limit", "url", "token"),
                positional);
        Map<String, String> access = clientOptions(options);
        if (!positional.isEmpty()) {
            throw new UsageException(Command.CALLS, "unexpected argument " + positional.get(0));
        }
        String query = "?limit=" + encode(options.getOrDefault("limit", Integer.toString(DEFAULT_LIST_LIMIT)))
                + (options.containsKey("status") ? "&status=" + encode(options.get("status")) : "");
        try (ServiceClient client = client(Command.CALLS, access)) {
            ServiceClient.Reply reply = client.get("/api/calls" + query);
            if (reply.status() == 400) {
                throw new UsageException(Command.CALLS, reply.message());
            }
            if (!reply.ok()) {
                throw new CliFailure("cannot list calls: " + reply.message());
            }
            if (json) {
                printJson(reply.body());
                return OK;
            }
            List<Map<String, Object>> records = records(reply.body().get("calls"));
            if (records.isEmpty()) {
                out.println(options.containsKey("status") ? "No calls with status " + options.get("status") + "."
                        : "No calls yet.");
                return OK;
            }
            out.print(CallsTable.render(records));
            return OK;
        }
    }

    private int hangup(List<String> arguments) throws UsageException, ConfigException, CliFailure {
        List<String> args = new ArrayList<>();
        boolean json = jsonFlag(arguments, args);
        List<String> positional = new ArrayList<>();
        Map<String, String> access = options(Command.HANGUP, args, List.of("url", "token"), positional);
        if (positional.size() != 1) {
            throw new UsageException(Command.HANGUP, "expected one call id");
        }
        try (ServiceClient client = client(Command.HANGUP, access)) {
            ServiceClient.Reply reply = client.post("/api/calls/hangup", Map.of("call_id", positional.get(0)));
            if (!reply.ok()) {
                throw new CliFailure("cannot hang up " + positional.get(0) + ": " + reply.message());
            }
            if (json) {
                printJson(reply.body());
            } else {
                out.println("Call " + reply.body().get("id") + ": " + reply.body().get("status"));
            }
            return OK;
        }
    }

    private int transfer(List<String> arguments) throws UsageException, ConfigException, CliFailure {
        List<String> args = new ArrayList<>();
        boolean json = jsonFlag(arguments, args);
        List<String> positional = new ArrayList<>();
        Map<String, String> access = options(Command.TRANSFER, args, List.of("url", "token"), positional);
        if (positional.size() != 2) {
            throw new UsageException(Command.TRANSFER, "expected a call id and a number");
        }
        String id = positional.get(0);
        try (ServiceClient client = client(Command.TRANSFER, access)) {
            ServiceClient.Reply reply = client.post("/api/calls/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                    + "/transfer", Map.of("to", positional.get(1)));
            if (!reply.ok()) {
                throw new CliFailure("cannot transfer " + id + ": " + reply.message());
            }
            if (json) {
                printJson(reply.body());
            } else {
                out.println("Call " + reply.body().get("id") + ": transfer to " + positional.get(1) + " started");
            }
            return OK;
        }
    }

    /** {@code campaign start|list|status|pause|resume|cancel|results}. */
    private int campaign(List<String> arguments) throws UsageException, ConfigException, CliFailure {
        List<String> args = new ArrayList<>(arguments);
        boolean json = args.remove("--json");
        boolean hangup = args.remove("--hangup");
        boolean noFollow = args.remove("--no-follow");
        List<String> positional = new ArrayList<>();
        Map<String, String> options = options(Command.CAMPAIGN, args, List.of("name", "max-concurrent", "cps",
                "window", "days", "timezone", "retry-busy", "retry-no-answer", "retry-failed", "retry-voicemail",
                "stop-at", "url", "token"), positional);
        Map<String, String> access = clientOptions(options);
        if (positional.isEmpty()) {
            throw new UsageException(Command.CAMPAIGN, "expected start, list, status, pause, resume, cancel or results");
        }
        String action = positional.getFirst();
        List<String> rest = positional.subList(1, positional.size());
        if (!action.equals("start") && !options.isEmpty()) {
            throw new UsageException(Command.CAMPAIGN, "--" + options.keySet().iterator().next()
                    + " is for campaign start");
        }
        if (action.equals("list") != rest.isEmpty()) {
            throw new UsageException(Command.CAMPAIGN, action.equals("list") ? "list takes no argument"
                    : "expected one " + (action.equals("start") ? "CSV file" : "campaign id"));
        }
        if (rest.size() > 1) {
            throw new UsageException(Command.CAMPAIGN, "unexpected argument " + rest.get(1));
        }
        try (ServiceClient client = client(Command.CAMPAIGN, access)) {
            return switch (action) {
                case "start" -> campaignStart(client, Path.of(rest.getFirst()), options, json, noFollow);
                case "list" -> {
                    ServiceClient.Reply reply = checked(client.get("/api/campaigns"), "cannot list campaigns");
                    if (json) {
                        printJson(reply.body());
                    } else {
                        List<Map<String, Object>> all = records(reply.body().get("campaigns"));
                        if (all.isEmpty()) {
                            out.println("No campaigns yet.");
                        }
                        all.forEach(c -> out.println(CampaignProgress.line(c)));
                    }
                    yield OK;
                }
                case "status", "pause", "resume", "cancel" -> {
                    String path = "/api/campaigns/" + encode(rest.getFirst());
                    ServiceClient.Reply reply = action.equals("status") ? client.get(path)
                            : client.post(path + "/" + action + (hangup ? "?hangup=true" : ""), Map.of());
                    checked(reply, "campaign " + rest.getFirst());
                    if (json) {
                        printJson(reply.body());
                    } else {
                        out.print(CampaignProgress.details(reply.body()));
                    }
                    yield OK;
                }
                case "results" -> {
                    String path = "/api/campaigns/" + encode(rest.getFirst()) + "/results";
                    if (json) {
                        printJson(checked(client.get(path), "campaign " + rest.getFirst()).body());
                    } else {
                        out.print(client.getText(path + "?format=csv", "text/csv"));
                    }
                    yield OK;
                }
                default -> throw new UsageException(Command.CAMPAIGN, "unknown action '" + action
                        + "'; expected start, list, status, pause, resume, cancel or results");
            };
        }
    }

    private static ServiceClient.Reply checked(ServiceClient.Reply reply, String what) throws CliFailure {
        if (!reply.ok()) {
            throw new CliFailure(what + ": " + reply.message());
        }
        return reply;
    }

    private int campaignStart(ServiceClient client, Path file, Map<String, String> options, boolean json,
                              boolean noFollow) throws UsageException, CliFailure {
        String csv;
        try {
            csv = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CliFailure("cannot read " + file + ": " + e.getMessage());
        }
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> o : options.entrySet()) {
            String value = o.getValue();
            switch (o.getKey()) {
                case "window" -> {
                    String[] bounds = value.split("-", 2);
                    if (bounds.length != 2) {
                        throw new UsageException(Command.CAMPAIGN, "--window " + value + ": expected HH:MM-HH:MM");
                    }
                    query.append("&window_start=").append(encode(bounds[0])).append("&window_end=")
                            .append(encode(bounds[1]));
                    continue;
                }
                case "cps" -> query.append("&calls_per_second=");
                default -> query.append('&').append(o.getKey().replace('-', '_')).append('=');
            }
            query.append(encode(value));
        }
        ServiceClient.Reply created = client.postCsv("/api/campaigns" + query.toString().replaceFirst("&", "?"), csv);
        if (created.status() == 422) {
            err.println("voiceagent: " + created.message());
            for (Map<String, Object> row : records(created.body().get("invalid"))) {
                err.println("  " + file + ":" + row.get("line") + ": " + row.get("error"));
            }
            return FAILURE;
        }
        if (created.status() == 400) {
            throw new UsageException(Command.CAMPAIGN, created.message());
        }
        Map<String, Object> status = checked(created, "the campaign was not created").body();
        String id = (String) status.get("id");
        if (noFollow) {
            if (json) {
                printJson(status);
            } else {
                out.println(id);
            }
            return OK;
        }
        PrintStream progress = json ? new PrintStream(OutputStream.nullOutputStream()) : out;
        progress.println("Campaign " + id + ": " + status.get("contacts") + " contact(s), "
                + status.get("duplicates_merged") + " duplicate(s) merged. Ctrl-C stops following; the campaign goes on.");
        CampaignProgress bar = new CampaignProgress(progress, terminal && !json);
        while (true) {
            bar.show(status);
            if (status.get("status") instanceof String s && (s.equals("completed") || s.equals("canceled"))
                    && ((Number) status.getOrDefault("live_calls", 0)).intValue() == 0) {
                bar.done();
                if (json) {
                    printJson(status);
                }
                return s.equals("completed") ? OK : FAILURE;
            }
            try {
                Thread.sleep(reconnectDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliFailure("interrupted");
            }
            status = checked(client.get("/api/campaigns/" + encode(id)), "campaign " + id).body();
        }
    }

    /** Takes {@code --url} and {@code --token} out of {@code options}: they choose the service, not the request. */
    private static Map<String, String> clientOptions(Map<String, String> options) {
        Map<String, String> access = new LinkedHashMap<>();
        for (String name : List.of("url", "token")) {
            String value = options.remove(name);
            if (value != null) {
                access.put(name, value);
            }
        }
        return access;
    }

    /** Whether {@code --json} is among the arguments; the rest, without it, goes to {@code rest}. */
    private static boolean jsonFlag(List<String> args, List<String> rest) {
        rest.addAll(args);
        return rest.removeIf("--json"::equals);
    }

    private void printJson(Object value) throws CliFailure {
        try {
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES)
                    .asString(value));
        } catch (IOException e) {
            throw new CliFailure("cannot write JSON: " + e.getMessage());
        }
    }

    /** Parses {@code --name value} and {@code --name=value}; everything else is positional. */
    private static Map<String, String> options(Command command, List<String> args, List<String> known,
                                               List<String> positional) throws UsageException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (!known.contains(name)) {
                throw new UsageException(command, "unknown option --" + name);
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException(command, "--" + name + " needs a value");
            }
            options.put(name, value);
        }
        return options;
    }

    private static void noArguments(Command command, List<String> args) throws UsageException {
        if (!args.isEmpty()) {
            throw new UsageException(command, "unexpected argument " + args.get(0));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
