package io.voiceagent.cli;

import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigException;
import io.voiceagent.config.ConfigLoader;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final Duration POLL_INTERVAL = Duration.ofMillis(300);
    private static final int DEFAULT_LIST_LIMIT = 20;

    private final ServiceRunner service;
    private final ConfigSource configSource;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration pollInterval;

    public Cli(ServiceRunner service, ConfigSource configSource, PrintStream out, PrintStream err,
               Duration pollInterval) {
        this.service = Objects.requireNonNull(service, "service");
        this.configSource = Objects.requireNonNull(configSource, "configSource");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** The command line as the process runs it: environment and {@code .env}, stdout and stderr. */
    public static Cli standard(ServiceRunner service) {
        return new Cli(service, ConfigLoader::load, System.out, System.err, POLL_INTERVAL);
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
                yield service.run(configSource.load());
            }
            case DEMO -> {
                noArguments(command, args);
                Config config = configSource.load();
                yield service.run(new Config(config.http(), config.exolve(), config.sip(), config.rtp(),
                        config.elevenLabs(), config.proxy(), true, config.tools()));
            }
            case TEST -> {
                err.println("voiceagent test: run the suite with bin/voiceagent test (it needs Maven and the sources)");
                yield USAGE;
            }
            case CONFIG -> {
                noArguments(command, args);
                yield config();
            }
            case CALL -> call(args);
            case CALLS -> calls(args);
            case HANGUP -> hangup(args);
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

    private int config() {
        Config config;
        try {
            config = configSource.load();
        } catch (ConfigException e) {
            printProblems(e);
            return USAGE;
        }
        Map<String, String> settings = config.describe();
        int width = settings.keySet().stream().mapToInt(String::length).max().orElse(0);
        settings.forEach((name, value) -> out.printf("%-" + width + "s  %s%n", name, value));
        out.println();
        out.println(config.demo()
                ? "Mode: demo (no telephony or AI credentials set: calls go to the built-in demo network)"
                : "Mode: " + (config.exolve().useHttp() ? "Exolve HTTP API" : "SIP") + " through "
                        + config.sip().serverHost() + ":" + config.sip().serverPort());
        out.println("Configuration OK.");
        return OK;
    }

    private void printProblems(ConfigException e) {
        err.println("voiceagent: the configuration has " + e.problems().size()
                + (e.problems().size() == 1 ? " problem:" : " problems:"));
        for (String problem : e.problems()) {
            err.println("  - " + problem);
        }
        err.println("Set these in the environment or in ./.env (voiceagent config shows the result).");
    }

    private int call(List<String> args) throws UsageException, ConfigException, CliFailure {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        Map<String, String> options = options(Command.CALL, args, List.of("first-message", "prompt", "language"),
                positional);
        if (positional.isEmpty()) {
            throw new UsageException(Command.CALL, "the phone number is missing");
        }
        // An unquoted "+7 999 000-11-22" arrives as several arguments; the service normalises the whole.
        body.put("phone_number", String.join(" ", positional));
        options.forEach((name, value) -> body.put(name.replace('-', '_'), value));
        try (ServiceClient client = ServiceClient.forConfig(configSource.load().http())) {
            ServiceClient.Reply started = client.post("/api/calls/start", body);
            if (started.status() == 400) {
                throw new UsageException(Command.CALL, started.message());
            }
            if (!started.ok()) {
                throw new CliFailure("the call was not placed: " + started.message());
            }
            Map<String, Object> record = started.body();
            out.println("Call " + record.get("id") + " to +" + record.get("phone_number") + " (" + record.get("mode")
                    + "). Ctrl-C stops following; the call goes on.");
            Map<String, Object> last = new CallFollower(client, out, pollInterval).follow(record);
            return "completed".equals(last.get("status")) ? OK : FAILURE;
        }
    }

    private int calls(List<String> args) throws UsageException, ConfigException, CliFailure {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = options(Command.CALLS, args, List.of("status", "limit"), positional);
        if (!positional.isEmpty()) {
            throw new UsageException(Command.CALLS, "unexpected argument " + positional.get(0));
        }
        String query = "?limit=" + encode(options.getOrDefault("limit", Integer.toString(DEFAULT_LIST_LIMIT)))
                + (options.containsKey("status") ? "&status=" + encode(options.get("status")) : "");
        try (ServiceClient client = ServiceClient.forConfig(configSource.load().http())) {
            ServiceClient.Reply reply = client.get("/api/calls" + query);
            if (reply.status() == 400) {
                throw new UsageException(Command.CALLS, reply.message());
            }
            if (!reply.ok()) {
                throw new CliFailure("cannot list calls: " + reply.message());
            }
            List<Map<String, Object>> records = records(reply.body().get("calls"));
            out.print(records.isEmpty() ? "No calls yet.\n" : CallsTable.render(records));
            return OK;
        }
    }

    private int hangup(List<String> args) throws UsageException, ConfigException, CliFailure {
        List<String> positional = new ArrayList<>();
        options(Command.HANGUP, args, List.of(), positional);
        if (positional.size() != 1) {
            throw new UsageException(Command.HANGUP, "expected one call id");
        }
        try (ServiceClient client = ServiceClient.forConfig(configSource.load().http())) {
            ServiceClient.Reply reply = client.post("/api/calls/hangup", Map.of("call_id", positional.get(0)));
            if (!reply.ok()) {
                throw new CliFailure("cannot hang up " + positional.get(0) + ": " + reply.message());
            }
            out.println("Call " + reply.body().get("id") + ": " + reply.body().get("status"));
            return OK;
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
