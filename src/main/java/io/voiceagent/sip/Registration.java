package io.voiceagent.sip;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps our binding at the registrar (RFC 3261 §10): REGISTER with Digest, refresh at about half
 * the granted expiry, retry with doubling backoff after a failure, re-register when the NAT binding
 * seen by the registrar (Via received/rport) changes, and unregister with Expires: 0 on shutdown.
 * Runs on the user agent's serial executor; {@link #status()} may be read from any thread.
 */
final class Registration {

    private static final System.Logger LOG = System.getLogger(Registration.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final SipStack stack;
    private final String callId;
    private final String fromTag;
    private final DigestCredentials credentials;
    private volatile RegistrationStatus status;
    private long cseq;
    private ClientNonInviteTransaction current;
    private SipScheduler.Timer nextAttempt;
    private int failures;
    private CompletableFuture<Void> unregistered;

    Registration(SipStack stack, String callId) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.callId = Objects.requireNonNull(callId, "callId");
        this.fromTag = stack.newTag();
        this.credentials = stack.newCredentials();
        this.status = new RegistrationStatus(RegistrationStatus.State.UNREGISTERED, Optional.empty(),
                stack.clock().instant(), Optional.empty());
    }

    RegistrationStatus status() {
        return status;
    }

    /** Sends a REGISTER now, whatever the state. */
    void register() {
        cancelNextAttempt();
        if (status.state() != RegistrationStatus.State.REGISTERED) {
            setStatus(RegistrationStatus.State.REGISTERING, Optional.empty(), Optional.empty());
        }
        send(stack.config().registerExpiresSeconds());
    }

    /** Removes our binding; the future completes on the registrar's answer or a timeout. */
    CompletableFuture<Void> unregister() {
        cancelNextAttempt();
        unregistered = new CompletableFuture<>();
        if (status.state() == RegistrationStatus.State.UNREGISTERED && current == null) {
            unregistered.complete(null);
        } else {
            send(0);
        }
        return unregistered;
    }

    private void send(int expires) {
        if (current != null) {
            current.terminate();
        }
        String aor = "sip:" + stack.config().login() + "@" + stack.config().domain();
        SipHeaders h = SipHeaders.empty()
                .with("Via", stack.via(stack.newBranch()))
                .with("Max-Forwards", "70")
                .with("From", "<" + aor + ">;tag=" + fromTag)
                .with("To", "<" + aor + ">")
                .with("Call-ID", callId)
                .with("CSeq", (++cseq) + " REGISTER")
                .with("Contact", "<" + stack.contactUri() + ">")
                .with("Expires", Integer.toString(expires))
                .with("Allow", UdpSipUserAgent.ALLOW)
                .with("User-Agent", UdpSipUserAgent.USER_AGENT);
        SipMessage.Request request = credentials.authorize(
                new SipMessage.Request("REGISTER", "sip:" + stack.config().domain(), h, ""));
        ClientNonInviteTransaction[] self = new ClientNonInviteTransaction[1];
        self[0] = stack.sendNonInvite(request, new ClientNonInviteTransaction.Owner() {
            @Override
            public void onFinalResponse(SipMessage.Response response) {
                if (current == self[0]) {
                    current = null;
                    onResponse(response, expires);
                }
            }

            @Override
            public void onTimeout() {
                if (current == self[0]) {
                    current = null;
                    onFailure("no response from the registrar", expires);
                }
            }
        });
        current = self[0];
    }

    private void onResponse(SipMessage.Response response, int requested) {
        int code = response.status();
        if (code == 401 || code == 407) {
            if (credentials.onChallenge(response) == DigestCredentials.Outcome.RETRY) {
                send(requested);
            } else {
                onFailure(code + " " + response.reason() + ": credentials rejected", requested);
            }
            return;
        }
        if (code == 423 && requested > 0) {
            // §10.2.8: retry with Min-Expires. Without one above what we asked, retrying at once
            // would loop; back off like any failure.
            int minExpires = response.header("Min-Expires").map(Registration::parseSeconds).orElse(0);
            if (minExpires > requested) {
                send(minExpires);
            } else {
                onFailure("423 " + response.reason() + " without a Min-Expires above " + requested + " s", requested);
            }
            return;
        }
        if (!response.isSuccess()) {
            onFailure(code + " " + response.reason(), requested);
            return;
        }
        credentials.onSuccess();
        failures = 0;
        if (requested == 0) {
            setStatus(RegistrationStatus.State.UNREGISTERED, Optional.empty(), Optional.empty());
            if (unregistered != null) {
                unregistered.complete(null);
            }
            return;
        }
        if (natBindingChanged(response)) {
            return;
        }
        int granted = grantedExpiry(response, requested);
        Instant now = stack.clock().instant();
        setStatus(RegistrationStatus.State.REGISTERED, Optional.empty(), Optional.of(now.plusSeconds(granted)));
        stack.onRegistered();
        // Refresh at about half the expiry, as common user agents do, so one lost refresh is survivable.
        nextAttempt = stack.scheduler().schedule(Duration.ofSeconds(Math.max(1, granted / 2)), this::register);
        LOG.log(System.Logger.Level.INFO, "registered as {0} for {1} s", stack.contactUri(), granted);
    }

    /** RFC 3581: the registrar tells us the address our packets come from; advertise that one. */
    private boolean natBindingChanged(SipMessage.Response response) {
        if (stack.config().publicIp().isPresent()) {
            return false;
        }
        Optional<Via> via = response.topVia();
        if (via.isEmpty()) {
            return false;
        }
        String host = via.get().received().orElse(stack.advertisedHost());
        OptionalInt rport = via.get().rport();
        int port = rport.isPresent() ? rport.getAsInt() : stack.advertisedPort();
        if (host.equals(stack.advertisedHost()) && port == stack.advertisedPort()) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "registrar sees us at {0}:{1}; re-registering with that Contact", host, port);
        stack.onNatBindingChanged(host, port);
        send(stack.config().registerExpiresSeconds());
        return true;
    }

    /**
     * The expiry granted to our binding (§10.2.4): the Contact the registrar lists for us, or, when
     * it lists ours under another form (a NAT rewrote it, another device shares the AOR), the
     * nearest one: same user, host and port, then same user and host, then same user.
     */
    private int grantedExpiry(SipMessage.Response response, int requested) {
        SipUri ours = SipUri.parse(stack.contactUri()).orElseThrow();
        Optional<SipAddress> nearest = Optional.empty();
        int nearestScore = 0;
        boolean exact = false;
        for (SipAddress contact : response.headers().values("Contact").stream().map(SipAddress::parse)
                .flatMap(Optional::stream).filter(c -> c.params().containsKey("expires")).toList()) {
            int score = SipUri.parse(contact.uri()).map(uri -> likeness(uri, ours)).orElse(0);
            if (score > nearestScore) {
                nearest = Optional.of(contact);
                nearestScore = score;
                exact = score == 3;
            }
        }
        List<String> listed = response.headers().values("Contact");
        if (!exact) {
            // No Contact at all is a registrar that does not echo bindings; a list without ours is news.
            LOG.log(listed.isEmpty() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "the registrar''s 200 does not list our Contact {0} (it lists {1}); "
                    + "using {2}", stack.contactUri(), listed,
                    nearest.map(c -> "the expiry of " + c.uri()).orElse("its Expires header"));
        }
        if (nearest.isPresent()) {
            return parseSeconds(nearest.get().params().get("expires"));
        }
        return response.header("Expires").map(Registration::parseSeconds).orElse(requested);
    }

    /** 3: same user, host and port; 2: same user and host; 1: same user; 0: another binding. */
    private static int likeness(SipUri uri, SipUri ours) {
        if (!uri.user().equalsIgnoreCase(ours.user())) {
            return 0;
        }
        if (!uri.host().equalsIgnoreCase(ours.host())) {
            return 1;
        }
        return uri.port().orElse(5060) == ours.port().orElse(5060) ? 3 : 2;
    }

    private void onFailure(String detail, int requested) {
        if (requested == 0) {
            LOG.log(System.Logger.Level.WARNING, "unregister failed: {0}", detail);
            setStatus(RegistrationStatus.State.UNREGISTERED, Optional.of(detail), Optional.empty());
            if (unregistered != null) {
                unregistered.complete(null);
            }
            return;
        }
        failures++;
        Duration backoff = stack.timers().transactionTimeout().multipliedBy(1L << Math.min(failures - 1, 10));
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        LOG.log(System.Logger.Level.WARNING, "registration failed: {0}; retrying in {1} s", detail,
                backoff.toMillis() / 1000.0);
        setStatus(RegistrationStatus.State.FAILED, Optional.of(detail), Optional.empty());
        nextAttempt = stack.scheduler().schedule(backoff, this::register);
    }

    private void setStatus(RegistrationStatus.State state, Optional<String> detail, Optional<Instant> expiresAt) {
        Instant since = state == status.state() ? status.since() : stack.clock().instant();
        status = new RegistrationStatus(state, detail, since, expiresAt);
    }

    private void cancelNextAttempt() {
        if (nextAttempt != null) {
            nextAttempt.cancel();
            nextAttempt = null;
        }
    }

    /** Stops timers and retransmissions for good. */
    void stop() {
        cancelNextAttempt();
        if (current != null) {
            current.terminate();
            current = null;
        }
    }

    private static int parseSeconds(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
