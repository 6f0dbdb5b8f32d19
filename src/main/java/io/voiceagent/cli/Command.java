package io.voiceagent.cli;

import java.util.Locale;
import java.util.Optional;

/** The subcommands, each with the help text {@code --help} prints. */
enum Command {
    START("start", "", "Run the service in the foreground (the demo network when no credentials are set).", """
            Reads the configuration from the environment and ./.env (the environment wins), validates it and
            runs the HTTP API and the call machinery until SIGTERM or Ctrl-C, which hang up live calls first.
            With no telephony or AI credentials set, the built-in demo network (a simulated carrier and agent
            on loopback) is used and a banner says so."""),
    DEMO("demo", "", "Run the service on the built-in demo network, even when credentials are set.", """
            Like start, but calls go to the simulated carrier and agent on loopback: a way to try the API
            without placing real calls."""),
    TEST("test", "", "Run the whole test suite (handled by bin/voiceagent).", """
            bin/voiceagent test runs `mvn -B test` with a JDK >= 21 and shows Surefire's summary."""),
    DIST("dist", "", "Build the release tarball (handled by bin/voiceagent, in a source checkout).", """
            bin/voiceagent dist runs `mvn package` and leaves target/voiceagent-VERSION.tar.gz: the jar, its
            libraries, bin/, etc/, docs/ and the README, for a server with a Java 21 runtime (README,
            "Installing on a server")."""),
    CONFIG("config", "[--json]", "Show the effective configuration, secrets masked, and every problem in it.", """
            Prints each setting by its environment name (--json: as one JSON object) on stdout, whatever the
            problems (a bad value shows as its default, marked). Exits 2 when the configuration has problems,
            listing each on stderr with the variable, the value (secrets masked) and what is expected.
            A key that is not a voiceagent variable gets a warning on stderr naming the closest one
            (start and demo warn too)."""),
    CALL("call", "NUMBER [--first-message TEXT] [--prompt TEXT] [--language CODE] [--json] [--url URL] [--token T]",
            "Place a call through the running service and follow it until it ends.", """
              NUMBER              international number, e.g. +79990001122 (spaces, dashes, parentheses allowed)
              --first-message     what the agent says first
              --prompt            the agent's system prompt for this call
              --language          the conversation language, e.g. en, ru, pt-br
              --json              print nothing while following, then the call's final record as JSON
            """ + Command.SERVICE_OPTIONS + """

            Status changes and transcript lines are printed as they happen. Exits 0 when the call completed,
            1 when it failed, was busy, was not answered or was canceled. Ctrl-C stops following only: the
            call goes on (end it with `voiceagent hangup ID`)."""),
    CALLS("calls", "[--status STATUS] [--limit N] [--json] [--url URL] [--token T]", "List recent calls, newest first.", """
              --status   dialing, ringing, answered, completed, failed, busy, no_answer, canceled or voicemail
              --limit    how many calls, 1 to 1000 (default 20)
              --json     the API's answer as JSON: {"calls": [...], "count": n, "next_cursor": ...}
            """ + Command.SERVICE_OPTIONS),
    HANGUP("hangup", "ID [--json] [--url URL] [--token T]", "Hang up a live call.", """
              ID         the call id printed by `voiceagent call` or `voiceagent calls`
              --json     print the call's record as JSON
            """ + Command.SERVICE_OPTIONS),
    TRANSFER("transfer", "ID NUMBER [--json] [--url URL] [--token T]",
            "Hand an answered call to a person at NUMBER (TRANSFER_MODE: bridge or refer).", """
              ID         the call id printed by `voiceagent call` or `voiceagent calls`
              NUMBER     the person's international number, e.g. +79990001122
              --json     print the call's record as JSON
            """ + Command.SERVICE_OPTIONS + """

            Returns once the transfer has started; the record's "transfer" shows how it goes (ringing,
            answered, busy, no_answer, failed, referred). A person who does not take the call leaves
            the caller with the agent."""),
    CAMPAIGN("campaign", "start FILE.csv [OPTIONS] | list | status ID | pause ID | resume ID | cancel ID [--hangup]"
            + " | results ID [--json]", "Run a campaign from a CSV list and follow it; manage campaigns.", """
            campaign start FILE.csv   create a campaign from a CSV (a phone_number column; every other column
                                      becomes a dynamic variable) and follow it until it ends: a progress bar
                                      on a terminal, a line per change otherwise. Ctrl-C stops following only.
              --name TEXT             the campaign's name
              --max-concurrent N      its live calls at once (default 5; at most MAX_CONCURRENT_CALLS less a tenth)
              --cps R                 calls started per second (default 1)
              --window HH:MM-HH:MM    when it may dial (default 09:00-21:00; 24:00 ends the day);
                                      21:00-02:00 runs past midnight, from each of the days
              --days DAYS             e.g. mon-fri, sat,sun (default every day)
              --timezone ZONE         the window's zone (default Europe/Moscow)
              --retry-busy R[:S]      retries after busy and their delay in seconds (default 2:1800);
                                      also --retry-no-answer, --retry-failed, --retry-voicemail
              --stop-at TIME          e.g. 2026-12-01T20:00:00+03:00: nothing is dialed after it
              --no-follow             print the campaign's id and return at once
            campaign list             every campaign, newest first
            campaign status ID        counts per state and outcome, rate and estimated end
            campaign pause ID | resume ID
            campaign cancel ID        nobody more is called; --hangup also hangs up its live calls
            campaign results ID       one CSV row per contact on stdout (--json: the API's JSON)
              --json                  (list, status, pause, resume, cancel) the API's answer as JSON
            """ + Command.SERVICE_OPTIONS + """

            start exits 0 when the campaign completed, 1 when it was canceled or could not be created (every
            bad CSV row is listed with its line), 2 on bad usage."""),
    VERSION("version", "", "Print the version.", ""),
    BENCH("bench", "[--calls N] [--seconds T] [--ramp R] [--ring-ms MS] [--ai-connect ringing|answer] [--recording] [--pin] [--jfr] [--json]",
            "Measure setup, latency, pacing and resources under load against the demo network.", """
            Starts the simulated carrier and agent in one process and the service in another, drives N
            concurrent calls (default 100) held T seconds (default 20), started R per second, and prints
            one table (or JSON): calls, setup and greeting times, uplink and downlink latency, pacing,
            loss, CPU, heap per call, threads and descriptors. Phones ring --ring-ms (default 1000) before
            answering; --ai-connect sets the service's AI_CONNECT (default ringing); --recording records
            every call (RECORDING=on; the default is off); --pin puts the service
            and the network on a CPU core each (taskset); --jfr keeps a flight recording of each process in
            the work directory; --service-jvm-option OPT passes a JVM option to the service; --jar PATH
            measures another build. The fake agent speaks at 4x real time, in bursts, as ElevenLabs does.
            Needs the built jar. Not part of the tests.
            --journal [--journal-calls N] instead measures the call journal: bytes per completed demo
            call, and the start-up replay of a journal of N such calls (default 100000).""");

    /**
     * The client commands' options choosing the service; without them only HTTP_HOST, HTTP_PORT and
     * API_TOKEN are read (environment and ./.env), so a bad value elsewhere does not stop the command.
     */
    private static final String SERVICE_OPTIONS = """
              --url      the service's address, e.g. https://calls.example.org (default: from HTTP_HOST, HTTP_PORT)
              --token    the API token (default: API_TOKEN; prefer it, as other users can see arguments)""";

    private final String word;
    private final String synopsis;
    private final String summary;
    private final String details;

    Command(String word, String synopsis, String summary, String details) {
        this.word = word;
        this.synopsis = synopsis;
        this.summary = summary;
        this.details = details;
    }

    String word() {
        return word;
    }

    String summary() {
        return summary;
    }

    String help() {
        return "Usage: voiceagent " + word + (synopsis.isEmpty() ? "" : " " + synopsis) + "\n\n" + summary
                + (details.isEmpty() ? "" : "\n\n" + details) + "\n";
    }

    static Optional<Command> find(String word) {
        for (Command c : values()) {
            if (c.word.equals(word.toLowerCase(Locale.ROOT))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static String overview() {
        StringBuilder out = new StringBuilder("""
                voiceagent: outbound phone calls over MTS Exolve, bridged to an ElevenLabs AI agent.

                Usage: voiceagent COMMAND [ARGS]   (voiceagent COMMAND --help for details)

                Commands:
                """);
        for (Command c : values()) {
            out.append(String.format("  %-9s %s%n", c.word, c.summary));
        }
        out.append("""

                Configuration comes from environment variables and ./.env (see `voiceagent config`).
                Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration.
                """);
        return out.toString();
    }
}
