package io.voiceagent.sip.interop;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small internet in three Linux network namespaces joined by veth pairs, built with iproute2 and
 * nftables: a "public" namespace (203.0.113.0/24, TEST-NET-3) where the carrier's registrar and the
 * phone live, a router that forwards and masquerades, and a private namespace (10.77.0.0/24) where
 * the service runs behind it. The router's source NAT moves every UDP port into 20000-40000, so a
 * port the service binds is never the one the carrier sees (a port-changing NAT), and it can drop a
 * share of forwarded UDP at random. Names carry a random suffix (other tests run at the same time);
 * {@link #close()} kills what runs inside and deletes the namespaces, which takes the veths along.
 */
final class TestNetwork implements AutoCloseable {

    static final String CARRIER_HOST = "203.0.113.10";
    static final String ROUTER_PUBLIC_ADDRESS = "203.0.113.1";
    static final String SERVICE_HOST = "10.77.0.2";
    static final int NAT_PORT_MIN = 20_000;
    static final int NAT_PORT_MAX = 40_000;
    private static final long COMMAND_TIMEOUT_S = 15;

    final String publicNs;
    final String routerNs;
    final String privateNs;
    private final List<String> created = new ArrayList<>();

    private TestNetwork(String suffix) {
        this.publicNs = "va-pub-" + suffix;
        this.routerNs = "va-rtr-" + suffix;
        this.privateNs = "va-prv-" + suffix;
    }

    /** Builds the three namespaces, or ends the test: failed under CI=true, skipped with the reason elsewhere. */
    static TestNetwork create() throws IOException, InterruptedException {
        requireCapability();
        TestNetwork network = new TestNetwork(randomSuffix());
        try {
            network.build();
            return network;
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[3];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Root (or CAP_NET_ADMIN/CAP_SYS_ADMIN), iproute2 with netns support and nft, tried for real. */
    private static void requireCapability() throws InterruptedException {
        String problem = null;
        for (String tool : List.of("ip", "nft")) {
            if (!ExternalTool.isInstalled(tool)) {
                problem = "'" + tool + "' is not installed (Debian packages iproute2 and nftables)";
            }
        }
        if (problem == null) {
            String probe = "va-probe-" + randomSuffix();
            Result added = runQuietly(List.of("ip", "netns", "add", probe));
            if (added.exitCode() != 0) {
                problem = "cannot create a network namespace (needs root or CAP_SYS_ADMIN): " + added.output().strip();
            } else {
                runQuietly(List.of("ip", "netns", "del", probe));
            }
        }
        if (problem == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(problem + "; CI runs as root with iproute2 and nftables, so this is a failure");
        }
        Assumptions.abort(problem + "; network-namespace test skipped (with CI=true this is a failure)");
    }

    private void build() throws IOException, InterruptedException {
        for (String ns : List.of(publicNs, routerNs, privateNs)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "-n", routerNs, "link", "add", "pub0", "type", "veth", "peer", "name", "up0", "netns", publicNs);
        run("ip", "-n", routerNs, "link", "add", "prv0", "type", "veth", "peer", "name", "up0", "netns", privateNs);
        run("ip", "-n", publicNs, "addr", "add", CARRIER_HOST + "/24", "dev", "up0");
        run("ip", "-n", routerNs, "addr", "add", ROUTER_PUBLIC_ADDRESS + "/24", "dev", "pub0");
        run("ip", "-n", routerNs, "addr", "add", "10.77.0.1/24", "dev", "prv0");
        run("ip", "-n", privateNs, "addr", "add", SERVICE_HOST + "/24", "dev", "up0");
        run("ip", "-n", publicNs, "link", "set", "up0", "up");
        run("ip", "-n", privateNs, "link", "set", "up0", "up");
        run("ip", "-n", routerNs, "link", "set", "pub0", "up");
        run("ip", "-n", routerNs, "link", "set", "prv0", "up");
        run("ip", "-n", privateNs, "route", "add", "default", "via", "10.77.0.1");
        run("ip", "netns", "exec", routerNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        nft("table ip nat {\n"
                + "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    oifname \"pub0\" meta l4proto { tcp, udp } masquerade to :" + NAT_PORT_MIN + "-" + NAT_PORT_MAX
                + "\n    oifname \"pub0\" masquerade\n"
                + "  }\n"
                + "}\n"
                + "table inet loss {\n"
                + "  chain forward {\n"
                + "    type filter hook forward priority filter; policy accept;\n"
                + "  }\n"
                + "}\n");
    }

    /** From now on the router drops about {@code percent} % of the UDP it forwards, each way, at random. */
    void dropUdp(int percent) throws IOException, InterruptedException {
        nft("add rule inet loss forward meta l4proto udp numgen random mod 100 < " + percent + " counter drop\n");
    }

    /** The nft counters of the loss rule: how many packets the router dropped. */
    long droppedPackets() throws IOException, InterruptedException {
        String listing = run("ip", "netns", "exec", routerNs, "nft", "list", "chain", "inet", "loss", "forward");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(listing);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** {@code command} run inside namespace {@code ns}. */
    List<String> in(String ns, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        return full;
    }

    /** Runs {@code command} in {@code ns} to its end and returns its output; fails on a non-zero exit. */
    String runIn(String ns, String... command) throws IOException, InterruptedException {
        return run(in(ns, List.of(command)).toArray(String[]::new));
    }

    /** Whether something in {@code ns} listens on UDP {@code port}. */
    boolean udpBound(String ns, int port) throws IOException, InterruptedException {
        return !runIn(ns, "ss", "-Hunl", "sport = :" + port).isBlank();
    }

    private void nft(String script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(in(routerNs, List.of("nft", "-f", "-"))).redirectErrorStream(true).start();
        process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("nft -f failed in " + routerNs + ": " + output + "\n--- script:\n" + script);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Result result = runQuietly(List.of(command));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + result.exitCode() + ": "
                    + result.output());
        }
        return result.output();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result runQuietly(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + output);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
    }

    /** Kills every process still in the namespaces, then deletes them (their veths go with them). */
    @Override
    public void close() throws InterruptedException {
        for (String ns : created) {
            Result pids = runQuietly(List.of("ip", "netns", "pids", ns));
            pids.output().lines().map(String::strip).filter(p -> p.matches("\\d+")).map(Long::parseLong)
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Result deleted = runQuietly(List.of("ip", "netns", "del", ns));
            if (deleted.exitCode() != 0) {
                System.err.println("TestNetwork: could not delete namespace " + ns + ": " + deleted.output());
            }
        }
        created.clear();
    }

    @Override
    public String toString() {
        return "TestNetwork[" + publicNs + ", " + routerNs + ", " + privateNs + "]";
    }
}
