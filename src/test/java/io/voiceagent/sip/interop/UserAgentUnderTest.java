package io.voiceagent.sip.interop;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import io.voiceagent.config.AddressBlock;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipTimers;
import io.voiceagent.sip.UdpSipUserAgent;

/**
 * Our {@link UdpSipUserAgent} as production builds it (RFC 3261 timers, system clock), pointed at
 * a SIP server on loopback, bound to a random port of its own.
 */
final class UserAgentUnderTest implements AutoCloseable {

    static final String LOGIN = "alice";
    static final String PASSWORD = "wonderland-7";
    static final String DOMAIN = "127.0.0.1";
    static final String REALM = "interop.test";
    /** The offer's RTP port: nothing listens there, SIP is all these tests look at. */
    private static final int OFFER_RTP_PORT = 40_000;

    private final UdpSipUserAgent agent;
    private final int port;

    private UserAgentUnderTest(UdpSipUserAgent agent, int port) {
        this.agent = agent;
        this.port = port;
    }

    /** How long one step (a registration, an answer, our BYE's 200) may take before a test gives up. */
    static final Duration STEP = Duration.ofSeconds(10);
    /** The far end's 200 to our BYE. */
    static final Pattern BYE_ANSWERED = Pattern.compile("^SIP/2\\.0 200[\\s\\S]*CSeq:\\s*\\d+ BYE",
            Pattern.CASE_INSENSITIVE);

    /** Starts a user agent for the server on {@code serverPort} and waits until it is registered. */
    static UserAgentUnderTest registered(int serverPort) throws IOException, InterruptedException {
        UserAgentUnderTest agent = start(serverPort);
        try {
            agent.awaitRegistration(RegistrationStatus.State.REGISTERED, STEP);
            return agent;
        } catch (AssertionError | InterruptedException e) {
            agent.close();
            throw e;
        }
    }

    /** Starts a user agent registering as {@link #LOGIN} with the server on {@code serverPort}. */
    static UserAgentUnderTest start(int serverPort) throws IOException {
        return start(serverPort, LOGIN, PASSWORD);
    }

    static UserAgentUnderTest start(int serverPort, String login, String password) throws IOException {
        return start(serverPort, login, password, LoopbackPorts.freeUdpPort());
    }

    /** A user agent on {@code port} (SIP_PORT_MIN = SIP_PORT_MAX), for a peer that must know it first. */
    static UserAgentUnderTest start(int serverPort, String login, String password, int port) throws IOException {
        return start(serverPort, login, password, port, List.of());
    }

    /** A user agent that also trusts {@code trustedPeers} (SIP_TRUSTED_PEERS) besides its server 127.0.0.1. */
    static UserAgentUnderTest start(int serverPort, List<AddressBlock> trustedPeers) throws IOException {
        return start(serverPort, LOGIN, PASSWORD, LoopbackPorts.freeUdpPort(), trustedPeers);
    }

    private static UserAgentUnderTest start(int serverPort, String login, String password, int port,
                                            List<AddressBlock> trustedPeers) throws IOException {
        Config.Sip config = new Config.Sip(login, Secret.of(password), DOMAIN, "127.0.0.1", serverPort,
                port, port, Optional.empty(), 3600, Duration.ofSeconds(30), trustedPeers, Optional.empty());
        UdpSipUserAgent agent = new UdpSipUserAgent(config, SipTimers.rfc3261(), Clock.systemUTC(),
                new SplittableRandom());
        agent.start();
        return new UserAgentUnderTest(agent, port);
    }

    UdpSipUserAgent agent() {
        return agent;
    }

    /** The UDP port it listens on. */
    int port() {
        return port;
    }

    /** Waits until the registration is in {@code state}; fails with the last status otherwise. */
    RegistrationStatus awaitRegistration(RegistrationStatus.State state, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        RegistrationStatus status = agent.registration();
        while (status.state() != state) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("registration is " + status + ", not " + state + " after " + timeout
                        + "\nSIP messages: " + agent.debugSnapshot().get("messages"));
            }
            Thread.sleep(20);
            status = agent.registration();
        }
        return status;
    }

    /**
     * Waits until the user agent has logged a message ({@code "in"} received, {@code "out"} sent)
     * matching {@code pattern}: how a test knows that a transaction it cannot observe otherwise
     * (the BYE after {@code hangup()}) has completed.
     */
    void awaitMessage(String direction, Pattern pattern, Duration timeout) throws InterruptedException {
        awaitMessages(direction, pattern, 1, timeout);
    }

    /** Waits until at least {@code count} logged messages in {@code direction} match {@code pattern}. */
    void awaitMessages(String direction, Pattern pattern, long count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (countMessages(direction, pattern) < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not " + count + " '" + direction + "' messages matching " + pattern
                        + " within " + timeout
                        + "\nSIP messages: " + agent.debugSnapshot().get("messages"));
            }
            Thread.sleep(20);
        }
    }

    /** How many logged messages in {@code direction} match {@code pattern}. */
    long countMessages(String direction, Pattern pattern) {
        return messages(direction, pattern).size();
    }

    /** The logged messages in {@code direction} that match {@code pattern}, oldest first. */
    List<String> messages(String direction, Pattern pattern) {
        return matching(direction, pattern).stream().map(entry -> (String) entry.get("message")).toList();
    }

    /** When each logged message in {@code direction} that matches {@code pattern} was sent or received. */
    List<Instant> messageTimes(String direction, Pattern pattern) {
        return matching(direction, pattern).stream().map(entry -> Instant.parse((String) entry.get("at"))).toList();
    }

    private List<Map<?, ?>> matching(String direction, Pattern pattern) {
        Object messages = agent.debugSnapshot().get("messages");
        if (!(messages instanceof List<?> list)) {
            throw new AssertionError("the debug snapshot has no message list: " + agent.debugSnapshot().keySet());
        }
        return list.stream()
                .filter(entry -> entry instanceof Map<?, ?> map && direction.equals(map.get("direction"))
                        && map.get("message") instanceof String text && pattern.matcher(text).find())
                .<Map<?, ?>>map(entry -> (Map<?, ?>) entry)
                .toList();
    }

    /** Dials {@code digits} with our usual offer (PCMU, PCMA, telephone-event). */
    SipCall dial(String digits, CallEvents events) {
        return agent.dial("c_interop", digits, SessionDescription.offer(agent.mediaAddress(), OFFER_RTP_PORT, 1), events);
    }

    /** Unregisters and closes the socket. */
    @Override
    public void close() {
        agent.close();
    }
}
