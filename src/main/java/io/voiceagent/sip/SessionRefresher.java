package io.voiceagent.sip;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * RFC 4028 when we are the refresher: at half the interval a re-INVITE carrying
 * {@code Session-Expires: N;refresher=uac}, the {@code Min-SE} we were given, and our SDP
 * unchanged (same o= version, so it is no new offer: §7.4, RFC 3264 §8). An answer restarts the
 * interval. A 491 is retried after a random 2.1–4 s when we chose the Call-ID, 0–2 s otherwise
 * (RFC 3261 §14.1); a 401/407 is retried with credentials; a 422 with its Min-SE (§7.4); another
 * failure after the same random pause. A 481 means the far end has forgotten the dialog. When no
 * refresh succeeds before the session would expire at the far end
 * ({@code interval - min(32 s, interval / 3)} after the last success, §10), we give up.
 * Runs on the user agent's serial executor; randomness and time come from the {@link SipStack}.
 */
final class SessionRefresher {

    private static final System.Logger LOG = System.getLogger(SessionRefresher.class.getName());

    /** What the call hears from its refresher. */
    interface Listener {
        /** A 2xx to a refresh, already ACKed: new terms and maybe an SDP. */
        void onRefreshed(SipMessage.Response ok);

        /** The far end no longer knows the dialog (481). */
        void onDialogGone(String reason);

        /** No refresh succeeded in time; the session must end (cause {@code session_refresh_failed}). */
        void onRefreshFailed(String reason);
    }

    private final SipStack stack;
    private final Dialog dialog;
    private final DigestCredentials credentials;
    private final Supplier<SessionDescription> localSdp;
    private final boolean ownsCallId;
    private final Listener listener;
    private SessionTimer terms;
    private Instant giveUpAt;
    private SipScheduler.Timer nextRefresh;
    private SipScheduler.Timer giveUp;
    private ClientInviteTransaction pending;
    private SipMessage.Request ack;
    private boolean stopped;

    SessionRefresher(SipStack stack, Dialog dialog, DigestCredentials credentials,
                     Supplier<SessionDescription> localSdp, boolean ownsCallId, Listener listener) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.dialog = Objects.requireNonNull(dialog, "dialog");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.localSdp = Objects.requireNonNull(localSdp, "localSdp");
        this.ownsCallId = ownsCallId;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The session was (re)negotiated now with {@code terms}, and we refresh. */
    void start(SessionTimer terms) {
        this.terms = terms;
        cancelTimers();
        stopped = false;
        giveUpAt = stack.clock().instant().plusMillis(terms.expireAfterMillis());
        nextRefresh = stack.scheduler().schedule(Duration.ofMillis(terms.refreshAfterMillis()), this::refresh);
        giveUp = stack.scheduler().schedule(Duration.ofMillis(terms.expireAfterMillis()), this::onGiveUp);
    }

    /** The call ended, or the far end took over refreshing: no more refreshes. */
    void stop() {
        stopped = true;
        cancelTimers();
        if (pending != null && ack == null) {
            pending.terminate();
            pending = null;
        }
    }

    /** Whether our refresh re-INVITE awaits its final response (a crossing re-INVITE then gets 491). */
    boolean inProgress() {
        return pending != null && ack == null;
    }

    private void refresh() {
        if (stopped) {
            return;
        }
        long cseq = dialog.nextLocalCseq();
        SipMessage.Request reinvite = dialog.request(stack, "INVITE", cseq, "application/sdp", localSdp.get().format())
                .with("Session-Expires", terms.headerForRefresh())
                .with("Supported", OptionTags.SUPPORTED)
                .with("Allow", UdpSipUserAgent.ALLOW)
                .with("User-Agent", UdpSipUserAgent.USER_AGENT);
        if (terms.minSe().isPresent()) {
            reinvite = reinvite.with("Min-SE", Integer.toString(terms.minSe().getAsInt()));
        }
        SipMessage.Request authorized = credentials.authorize(reinvite);
        ack = null;
        ClientInviteTransaction[] self = new ClientInviteTransaction[1];
        self[0] = stack.sendInvite(authorized, new ClientInviteTransaction.Owner() {
            @Override
            public void onResponse(SipMessage.Response response) {
                if (self[0] == pending) {
                    onResponseToRefresh(response, authorized);
                }
            }

            @Override
            public void onTimeout() {
                if (self[0] == pending) {
                    pending = null;
                    fail("no response to the session refresh");
                }
            }
        });
        pending = self[0];
    }

    private void onResponseToRefresh(SipMessage.Response response, SipMessage.Request reinvite) {
        int code = response.status();
        if (response.isProvisional()) {
            return;
        }
        if (response.isSuccess()) {
            if (ack == null) {
                ack = dialog.request(stack, "ACK", reinvite.cseq().number(), "", "");
                for (String header : new String[] {"Authorization", "Proxy-Authorization"}) {
                    Optional<String> value = reinvite.header(header);
                    if (value.isPresent()) {
                        ack = ack.with(header, value.get());
                    }
                }
                stack.sendToServer(ack);
                credentials.onSuccess();
                listener.onRefreshed(response);
            } else {
                // a retransmitted 2xx: our ACK was lost (RFC 3261 §13.2.2.4)
                stack.sendToServer(ack);
            }
            return;
        }
        pending = null;
        if (code == 481) {
            stop();
            listener.onDialogGone("session refresh answered 481 " + response.reason());
        } else if ((code == 401 || code == 407) && credentials.onChallenge(response) == DigestCredentials.Outcome.RETRY) {
            refresh();
        } else if (code == 422 && SessionTimer.minSe(response).isPresent()) {
            terms = terms.raisedTo(SessionTimer.minSe(response).getAsInt());
            refresh();
        } else if (code == 408) {
            fail("session refresh answered 408 " + response.reason());
        } else {
            retryLater(code + " " + response.reason());
        }
    }

    /** RFC 3261 §14.1, in units of 10 ms. */
    private void retryLater(String why) {
        long delayMillis = ownsCallId ? 2100 + 10L * stack.random().nextInt(191) : 10L * stack.random().nextInt(201);
        Instant at = stack.clock().instant().plusMillis(delayMillis);
        if (!at.isBefore(giveUpAt)) {
            fail("session refresh answered " + why + " and no time is left to retry");
            return;
        }
        LOG.log(System.Logger.Level.INFO, "{0}: session refresh answered {1}; retrying in {2} ms", dialog.logName(),
                why, delayMillis);
        if (nextRefresh != null) {
            nextRefresh.cancel();
        }
        nextRefresh = stack.scheduler().schedule(Duration.ofMillis(delayMillis), this::refresh);
    }

    private void onGiveUp() {
        if (!stopped) {
            fail("no session refresh succeeded within " + terms.expireAfterMillis() / 1000 + " s");
        }
    }

    private void fail(String reason) {
        if (stopped) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}; ending the call", dialog.logName(), reason);
        stop();
        listener.onRefreshFailed(reason);
    }

    private void cancelTimers() {
        if (nextRefresh != null) {
            nextRefresh.cancel();
            nextRefresh = null;
        }
        if (giveUp != null) {
            giveUp.cancel();
            giveUp = null;
        }
    }
}
