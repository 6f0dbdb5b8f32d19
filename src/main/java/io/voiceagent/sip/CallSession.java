package io.voiceagent.sip;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One INVITE dialog, outbound or inbound, as the call layer sees it: drives the INVITE, CANCEL,
 * ACK and BYE of RFC 3261 §13-15, answers in-dialog requests (re-INVITE, UPDATE, INFO, the NOTIFYs
 * of our REFER), sends REFER (RFC 3515) and INFO, keeps
 * the session timer (RFC 4028), and turns all of it into {@link SipCallEvent}s in order.
 * Every method except {@link #hangup()} and {@link #callId()} runs on the user agent's serial executor.
 */
final class CallSession implements SipCall {

    private static final System.Logger LOG = System.getLogger(CallSession.class.getName());

    enum State {
        /** Our INVITE is out, no provisional with a dialog yet. */
        INVITING,
        /** A 180/183 arrived. */
        EARLY,
        /** Inbound: our 200 is out, waiting for the ACK. */
        ANSWERING,
        CONFIRMED,
        ENDED
    }

    private final SipStack stack;
    private final Dialog dialog;
    private final DigestCredentials credentials;
    private final PrackSender pracks;
    private SipCallListener listener;
    /** Our REFER not yet settled by a final sipfrag (RFC 3515): completed on a 2xx, failed otherwise. */
    private CompletableFuture<Void> pendingRefer;
    private SessionDescription localSdp;
    private SessionDescription remoteSdp;
    private State state;
    private boolean eventsClosed;
    // Outbound INVITE
    private ClientInviteTransaction inviteTx;
    private long inviteCseq;
    private boolean provisionalReceived;
    private boolean cancelRequested;
    private boolean cancelSent;
    private SipMessage.Request ackForAnswer;
    private SipScheduler.Timer ringTimer;
    private String lastRinging = "";
    /** The SDP of a reliable 18x (RFC 3262 §5): the answer, when the 200 carries none. */
    private SessionDescription earlyAnswer;
    private final Map<String, SipMessage.Request> forkedAcks = new HashMap<>();
    // Inbound and re-INVITE answers awaiting ACK
    private ServerTransaction awaitingAck;
    /** Inbound INVITE without SDP (RFC 3261 §13.2.1): our 200 offers, the ACK answers. */
    private boolean delayedOffer;
    private boolean byeAfterAck;
    // Session timer: we watch for the far end's refreshes, or the refresher sends ours
    private SipScheduler.Timer sessionTimer;
    private final SessionRefresher refresher;

    private CallSession(SipStack stack, Dialog dialog, SipCallListener listener, SessionDescription localSdp,
                        State state, boolean ownsCallId) {
        this.stack = stack;
        this.dialog = dialog;
        this.credentials = stack.newCredentials();
        this.pracks = new PrackSender(stack, dialog, credentials::authorize);
        this.refresher = new SessionRefresher(stack, dialog, credentials, () -> this.localSdp, ownsCallId,
                new RefreshOutcome());
        this.listener = listener;
        this.localSdp = localSdp;
        this.state = state;
    }

    /** {@code callId} is the SIP Call-ID; {@code owner} our call's id, for the log. */
    static CallSession outbound(SipStack stack, String callId, String owner, String digits, SessionDescription offer,
                                SipCallListener listener) {
        String domain = stack.config().domain();
        SipAddress local = SipAddress.of("sip:" + stack.config().login() + "@" + domain).withTag(stack.newTag());
        SipAddress remote = SipAddress.of("sip:" + digits + "@" + domain);
        Dialog dialog = Dialog.outbound(callId, local, remote);
        dialog.ownedBy(owner);
        return new CallSession(stack, dialog, listener, offer, State.INVITING, true);
    }

    static CallSession inbound(SipStack stack, SipMessage.Request invite) {
        return new CallSession(stack, Dialog.inbound(invite, stack.newTag()), null, null, State.ANSWERING, false);
    }

    @Override
    public String callId() {
        return dialog.callId();
    }

    State state() {
        return state;
    }

    /** How log lines name this dialog ({@link Dialog#logName()}). */
    String logName() {
        return dialog.logName();
    }

    /** Whether an in-dialog request (or ACK) carries this dialog's Call-ID and both its tags. */
    boolean belongsToDialog(SipMessage.Request request) {
        return request.callId().equals(dialog.callId()) && dialog.matches(request);
    }

    @Override
    public void hangup() {
        stack.execute(this::hangupNow);
    }

    // ---------------------------------------------------------------- outbound INVITE

    void dial() {
        inviteCseq = dialog.nextLocalCseq();
        sendInvite();
        Duration ringTimeout = stack.config().ringTimeout();
        ringTimer = stack.scheduler().schedule(ringTimeout, () -> onRingTimeout(ringTimeout));
    }

    private void sendInvite() {
        SipMessage.Request invite = dialog.request(stack, "INVITE", inviteCseq, "application/sdp", localSdp.format())
                .with("Allow", UdpSipUserAgent.ALLOW)
                .with("Supported", OptionTags.SUPPORTED)
                .with("User-Agent", UdpSipUserAgent.USER_AGENT);
        SipMessage.Request authorized = credentials.authorize(invite);
        ClientInviteTransaction[] self = new ClientInviteTransaction[1];
        self[0] = stack.sendInvite(authorized, new ClientInviteTransaction.Owner() {
            @Override
            public void onResponse(SipMessage.Response response) {
                if (self[0] == inviteTx) {
                    onInviteResponse(response);
                }
            }

            @Override
            public void onTimeout() {
                if (self[0] == inviteTx) {
                    onInviteTimeout();
                }
            }
        });
        inviteTx = self[0];
    }

    private void onInviteResponse(SipMessage.Response response) {
        int code = response.status();
        if (response.isProvisional()) {
            provisionalReceived = true;
            PrackSender.Verdict verdict = pracks.onProvisional(response);
            if (cancelRequested) {
                sendCancel();
            } else if (verdict == PrackSender.Verdict.NEW || verdict == PrackSender.Verdict.UNRELIABLE
                    && (code == 180 || code == 183)) {
                ringing(response, verdict == PrackSender.Verdict.NEW);
            }
            return;
        }
        if (response.isSuccess()) {
            onAnswer(response);
            return;
        }
        if (cancelRequested || state == State.ENDED) {
            end();
            return;
        }
        // A challenge is not an answer: the ring timer keeps running across the authorised retry.
        if ((code == 401 || code == 407) && credentials.onChallenge(response) == DigestCredentials.Outcome.RETRY) {
            // RFC 3261 §22.2: same Call-ID, a higher CSeq and (through a new transaction) a new branch.
            inviteCseq = dialog.nextLocalCseq();
            // A CANCEL must follow a provisional response of the new transaction, not the old one.
            provisionalReceived = false;
            sendInvite();
            return;
        }
        fail(FailureCause.ofFinalResponse(code), code, response.reason());
    }

    /** A 180/183, or any reliable 18x; the SDP of a reliable one is the answer to our offer. */
    private void ringing(SipMessage.Response response, boolean reliable) {
        Optional<SessionDescription> early = Optional.empty();
        if ((response.status() == 183 || reliable) && !response.body().isBlank()) {
            try {
                early = Optional.of(SessionDescription.parse(response.body()));
            } catch (SdpException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring unusable early-media SDP: {1}", dialog.logName(),
                        e.getMessage());
            }
        }
        if (reliable && earlyAnswer == null && early.isPresent()) {
            earlyAnswer = early.get();
        }
        String key = response.status() + "\n" + response.body();
        if (!key.equals(lastRinging)) {
            lastRinging = key;
            state = State.EARLY;
            emit(new SipCallEvent.Ringing(response.status(), early));
        }
    }

    private void onAnswer(SipMessage.Response response) {
        if (ackForAnswer != null) {
            Optional<String> tag = SipAddress.parse(response.header("To").orElse("")).flatMap(SipAddress::tag);
            if (tag.equals(dialog.remote().tag())) {
                // A retransmitted 200: our ACK was lost (RFC 3261 §13.2.2.4).
                stack.sendToServer(ackForAnswer);
            } else {
                endForkedAnswer(response);
            }
            return;
        }
        cancelRingTimer();
        credentials.onSuccess();
        dialog.establish(response);
        SipMessage.Request ack = dialog.request(stack, "ACK", inviteCseq, "", "");
        for (String header : new String[] {"Authorization", "Proxy-Authorization"}) {
            Optional<String> value = inviteTx.request().header(header);
            if (value.isPresent()) {
                ack = ack.with(header, value.get());
            }
        }
        ackForAnswer = ack;
        stack.sendToServer(ack);
        if (cancelRequested || state == State.ENDED) {
            // Our CANCEL crossed the 200: the call exists now and has to be ended properly.
            sendBye();
            end();
            return;
        }
        SessionDescription answer;
        try {
            answer = response.body().isBlank() && earlyAnswer != null
                    ? earlyAnswer : SessionDescription.parse(response.body());
        } catch (SdpException e) {
            sendBye();
            fail(FailureCause.OTHER, response.status(), "unusable SDP answer: " + e.getMessage());
            return;
        }
        remoteSdp = answer;
        state = State.CONFIRMED;
        SessionTimer.fromAnswer(response).ifPresent(this::startSessionTimer);
        emit(new SipCallEvent.Answered(answer));
    }

    /** A 200 from a second fork of our INVITE: confirm that dialog and end it at once (§13.2.2.4). */
    private void endForkedAnswer(SipMessage.Response response) {
        Dialog fork = dialog.forkedBy(response);
        if (forkedAcks.containsKey(fork.remote().format())) {
            stack.sendToServer(forkedAcks.get(fork.remote().format()));
            return;
        }
        SipMessage.Request ack = fork.request(stack, "ACK", inviteCseq, "", "");
        forkedAcks.put(fork.remote().format(), ack);
        stack.sendToServer(ack);
        stack.sendNonInvite(fork.request(stack, "BYE", fork.nextLocalCseq(), "", ""), ignoringOutcome("BYE"));
    }

    /** A 2xx to our INVITE that arrived after its transaction was gone. */
    void onLateAnswer(SipMessage.Response response) {
        if (ackForAnswer != null && response.cseq().number() == inviteCseq) {
            stack.sendToServer(ackForAnswer);
        }
    }

    private void onInviteTimeout() {
        cancelRingTimer();
        if (cancelRequested || state == State.ENDED) {
            end();
            return;
        }
        fail(FailureCause.TIMEOUT, 0, "no response to INVITE within " + stack.timers().transactionTimeout());
    }

    private void onRingTimeout(Duration ringTimeout) {
        if (state != State.INVITING && state != State.EARLY) {
            return;
        }
        emit(new SipCallEvent.Failed(FailureCause.RING_TIMEOUT, 0, "no answer within " + ringTimeout.toSeconds() + " s"));
        requestCancel();
    }

    /** RFC 3261 §9.1: a CANCEL may only follow a provisional response; until then it waits. */
    private void requestCancel() {
        cancelRequested = true;
        state = State.ENDED;
        if (provisionalReceived) {
            sendCancel();
        }
    }

    private void sendCancel() {
        if (cancelSent) {
            return;
        }
        cancelSent = true;
        SipMessage.Request invite = inviteTx.request();
        SipHeaders h = SipHeaders.empty()
                .with("Via", invite.headers().values("Via").get(0))
                .with("Max-Forwards", "70")
                .with("From", invite.header("From").orElseThrow())
                .with("To", invite.header("To").orElseThrow())
                .with("Call-ID", invite.callId())
                .with("CSeq", invite.cseq().number() + " CANCEL");
        for (String route : invite.headers().lines("Route")) {
            h = h.with("Route", route);
        }
        stack.sendNonInvite(new SipMessage.Request("CANCEL", invite.uri(), h, ""), ignoringOutcome("CANCEL"));
    }

    // ---------------------------------------------------------------- inbound INVITE

    /** Asks {@code handler} about the INVITE and answers it; 480 when nobody wants it. */
    void answerInbound(SipMessage.Request invite, ServerTransaction transaction, InboundCallHandler handler) {
        transaction.respond(invite.createResponse(100, "Trying"));
        delayedOffer = invite.body().isBlank();
        SessionDescription offer;
        try {
            // A delayed offer: the handler chooses our address and port as if we had been offered
            // everything we speak; the 200 then offers all of it.
            offer = delayedOffer ? SessionDescription.offer("0.0.0.0", 0, 0) : SessionDescription.parse(invite.body());
        } catch (SdpException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: inbound INVITE with unusable SDP: {1}", dialog.logName(), e.getMessage());
            transaction.respond(withToTag(invite.createResponse(488, "Not Acceptable Here")));
            end();
            return;
        }
        String from = dialog.remote().user();
        String to = SipAddress.parse(invite.header("To").orElse("")).map(SipAddress::user).orElse("");
        Optional<String> asserted = invite.header("P-Asserted-Identity").flatMap(SipAddress::parse)
                .map(SipAddress::user).filter(u -> !u.isEmpty());
        Optional<InboundCallHandler.Acceptance> acceptance = Optional.empty();
        if (handler != null) {
            try {
                acceptance = handler.onInvite(new InboundCallHandler.InboundInvite(this, from, to, asserted, offer));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "inbound call handler failed on " + callId(), e);
            }
        }
        if (acceptance.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "inbound INVITE {0} from {1} to {2} matches no pending call: 480",
                    callId(), from, to);
            transaction.respond(withToTag(invite.createResponse(480, "Temporarily Unavailable")));
            end();
            return;
        }
        dialog.ownedBy(acceptance.get().callId());
        listener = acceptance.get().listener();
        SessionDescription answer = acceptance.get().answer();
        localSdp = delayedOffer ? SessionDescription.offer(answer.address(), answer.port(), answer.sessionId()) : answer;
        remoteSdp = delayedOffer ? null : offer;
        dialog.acceptRemoteCseq(invite.cseq().number());
        awaitingAck = transaction;
        // RFC 3261 §12.1.1: the 2xx copies Record-Route, so the proxies that asked stay on the path.
        SipMessage.Response ok = answerWithSdp(invite);
        for (String recordRoute : invite.headers().lines("Record-Route")) {
            ok = ok.with("Record-Route", recordRoute);
        }
        transaction.respond(ok);
    }

    /** The ACK for our 200 (to the INVITE or a re-INVITE). */
    void onAck(SipMessage.Request ack) {
        if (awaitingAck == null || awaitingAck.request().cseq().number() != ack.cseq().number()) {
            return;
        }
        awaitingAck.onAck();
        awaitingAck = null;
        if (state == State.ANSWERING && delayedOffer && !answerFromAck(ack)) {
            return;
        }
        if (state == State.ANSWERING) {
            state = State.CONFIRMED;
            emit(new SipCallEvent.Answered(remoteSdp));
        } else if (!ack.body().isBlank()) {
            updateRemote(ack.body());
        }
        if (byeAfterAck) {
            byeAfterAck = false;
            sendBye();
            end();
        }
    }

    /** The answer to the offer in our 200 (delayed offer); without a usable one the call ends (§13.3.1.4). */
    private boolean answerFromAck(SipMessage.Request ack) {
        try {
            remoteSdp = SessionDescription.parse(ack.body());
            return true;
        } catch (SdpException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: the ACK carries no usable SDP answer to our offer: {1}",
                    dialog.logName(), e.getMessage());
            sendBye();
            fail(FailureCause.OTHER, 0, "no usable SDP answer in the ACK: " + e.getMessage());
            return false;
        }
    }

    /** Timer H fired on our 200: the far end never confirmed. */
    void onAckTimeout(ServerTransaction transaction) {
        if (transaction != awaitingAck) {
            return;
        }
        awaitingAck = null;
        LOG.log(System.Logger.Level.WARNING, "{0}: no ACK for our 200 OK; ending the call", dialog.logName());
        sendBye();
        if (state == State.ANSWERING) {
            fail(FailureCause.TIMEOUT, 0, "no ACK for our 200 OK");
        } else {
            emit(new SipCallEvent.RemoteHangup());
            end();
        }
    }

    /** CANCEL of an INVITE we already answered (RFC 3261 §9.2: it has no effect). */
    void onCancel() {
        LOG.log(System.Logger.Level.DEBUG, "{0}: CANCEL after our final response ignored", dialog.logName());
    }

    // ---------------------------------------------------------------- in-dialog requests

    void onRequest(SipMessage.Request request, ServerTransaction transaction) {
        if (state == State.ENDED && !request.method().equals("BYE")) {
            transaction.respond(request.createResponse(481, "Call/Transaction Does Not Exist"));
            return;
        }
        if (!dialog.acceptRemoteCseq(request.cseq().number())) {
            transaction.respond(request.createResponse(500, "Server Internal Error").with("Retry-After", "1"));
            return;
        }
        switch (request.method()) {
            case "BYE" -> {
                transaction.respond(request.createResponse(200, "OK"));
                if (state != State.ENDED) {
                    emit(new SipCallEvent.RemoteHangup());
                    end();
                }
            }
            case "INVITE" -> onReinvite(request, transaction);
            case "UPDATE" -> onUpdate(request, transaction);
            case "INFO" -> onInfo(request, transaction);
            case "NOTIFY" -> onNotify(request, transaction);
            default -> transaction.respond(request.createResponse(501, "Not Implemented")
                    .with("Allow", UdpSipUserAgent.ALLOW));
        }
    }

    private void onReinvite(SipMessage.Request request, ServerTransaction transaction) {
        if (awaitingAck != null || refresher.inProgress()) {
            // RFC 3261 §14.2: a re-INVITE while one of ours (an answer or a refresh) is pending.
            transaction.respond(request.createResponse(491, "Request Pending"));
            return;
        }
        if (!request.body().isBlank() && !updateRemote(request.body())) {
            transaction.respond(request.createResponse(488, "Not Acceptable Here"));
            return;
        }
        if (!request.body().isBlank()) {
            localSdp = mirrorDirection(localSdp, remoteSdp);
        }
        awaitingAck = transaction;
        transaction.respond(answerWithSdp(request));
    }

    /**
     * Our answer to a re-offer (RFC 3264 §6.1, §8.4): a far end that puts us on hold (sendonly) gets
     * recvonly back, and the version goes up only when our description really changed. An offer to
     * c=0.0.0.0 (the RFC 2543 hold, RFC 6337 §5.3) asks us to send nothing whatever its direction
     * attribute says, so it is answered as if it said sendonly (or inactive).
     */
    static SessionDescription mirrorDirection(SessionDescription ours, SessionDescription offer) {
        boolean sendNothing = offer.address().equals("0.0.0.0");
        SessionDescription.Direction wanted = switch (offer.direction()) {
            case SENDONLY -> SessionDescription.Direction.RECVONLY;
            case RECVONLY -> sendNothing ? SessionDescription.Direction.INACTIVE : SessionDescription.Direction.SENDONLY;
            case INACTIVE -> SessionDescription.Direction.INACTIVE;
            case SENDRECV -> sendNothing ? SessionDescription.Direction.RECVONLY : SessionDescription.Direction.SENDRECV;
        };
        if (wanted == ours.direction()) {
            return ours;
        }
        return new SessionDescription(ours.origin(), ours.sessionId(), ours.version() + 1, ours.address(), ours.port(),
                ours.formats(), ours.ptimeMs(), wanted);
    }

    private void onUpdate(SipMessage.Request request, ServerTransaction transaction) {
        if (request.body().isBlank()) {
            restartSessionTimer(request);
            SipMessage.Response ok = request.createResponse(200, "OK");
            ok = withToTag(ok).with("Contact", "<" + stack.contactUri() + ">");
            ok = withSessionTimer(ok, request);
            transaction.respond(ok);
            return;
        }
        if (!updateRemote(request.body())) {
            transaction.respond(request.createResponse(488, "Not Acceptable Here"));
            return;
        }
        localSdp = mirrorDirection(localSdp, remoteSdp);
        transaction.respond(answerWithSdp(request));
    }

    private void onInfo(SipMessage.Request request, ServerTransaction transaction) {
        String type = request.header("Content-Type").orElse("").strip().toLowerCase(java.util.Locale.ROOT);
        Optional<Character> digit = Optional.empty();
        if (type.startsWith("application/dtmf-relay")) {
            digit = DtmfRelay.digit(request.body());
        } else if (type.startsWith("application/dtmf")) {
            digit = DtmfRelay.bareDigit(request.body());
        } else if (request.body().isBlank()) {
            // An empty INFO is sometimes used as a keep-alive; accepting it is harmless.
            transaction.respond(request.createResponse(200, "OK"));
            return;
        } else {
            transaction.respond(request.createResponse(415, "Unsupported Media Type")
                    .with("Accept", "application/sdp, application/dtmf-relay"));
            return;
        }
        transaction.respond(request.createResponse(200, "OK"));
        digit.ifPresent(d -> emit(new SipCallEvent.Dtmf(d)));
    }

    /**
     * A NOTIFY of our REFER's implicit subscription (RFC 3515 §2.4.4): its {@code message/sipfrag}
     * body's status line tells how the far end's INVITE to the target goes; a final one settles the
     * REFER. Any other NOTIFY has no subscription here.
     */
    private void onNotify(SipMessage.Request request, ServerTransaction transaction) {
        String event = request.header("Event").orElse("").strip().toLowerCase(java.util.Locale.ROOT);
        if (!event.equals("refer") && !event.startsWith("refer;")) {
            transaction.respond(request.createResponse(489, "Bad Event").with("Allow-Events", "refer"));
            return;
        }
        if (pendingRefer == null) {
            transaction.respond(request.createResponse(481, "Subscription Does Not Exist"));
            return;
        }
        transaction.respond(request.createResponse(200, "OK"));
        Optional<ReferProgress.Sipfrag> frag = ReferProgress.statusLine(request.body());
        boolean terminated = request.header("Subscription-State").orElse("").strip()
                .toLowerCase(java.util.Locale.ROOT).startsWith("terminated");
        CompletableFuture<Void> refer = pendingRefer;
        if (frag.isPresent() && frag.get().status() >= 200) {
            pendingRefer = null;
            LOG.log(System.Logger.Level.INFO, "{0}: REFER outcome {1} {2}", callId(), frag.get().status(),
                    frag.get().reason());
            if (frag.get().status() < 300) {
                refer.complete(null);
            } else {
                refer.completeExceptionally(new SipRequestException("REFER", frag.get().status(), frag.get().reason()));
            }
        } else if (terminated) {
            pendingRefer = null;
            refer.completeExceptionally(new SipRequestException("REFER", 202,
                    "but the subscription ended without a final status"));
        } else {
            frag.ifPresent(f -> LOG.log(System.Logger.Level.DEBUG, "{0}: REFER progress {1} {2}", callId(),
                    f.status(), f.reason()));
        }
    }

    /** Takes a new remote SDP; emits MediaUpdated when where or how to send changed. */
    private boolean updateRemote(String body) {
        SessionDescription updated;
        try {
            updated = SessionDescription.parse(body);
        } catch (SdpException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: unusable SDP in re-offer: {1}", dialog.logName(), e.getMessage());
            return false;
        }
        boolean changed = remoteSdp == null || !remoteSdp.address().equals(updated.address())
                || remoteSdp.port() != updated.port() || !remoteSdp.formats().equals(updated.formats())
                || remoteSdp.direction() != updated.direction();
        remoteSdp = updated;
        if (changed && state == State.CONFIRMED) {
            emit(new SipCallEvent.MediaUpdated(updated));
        }
        return true;
    }

    /** 200 with our current SDP, Contact, and the session timer the request asked for. */
    private SipMessage.Response answerWithSdp(SipMessage.Request request) {
        SipMessage.Response ok = withToTag(request.createResponse(200, "OK"))
                .with("Contact", "<" + stack.contactUri() + ">")
                .with("Allow", UdpSipUserAgent.ALLOW)
                .with("Supported", OptionTags.SUPPORTED)
                .with("User-Agent", UdpSipUserAgent.USER_AGENT);
        ok = withSessionTimer(ok, request);
        restartSessionTimer(request);
        return ok.withBody("application/sdp", localSdp.format());
    }

    private static SipMessage.Response withSessionTimer(SipMessage.Response ok, SipMessage.Request request) {
        Optional<SessionTimer> terms = SessionTimer.forRequest(request);
        if (terms.isEmpty()) {
            return ok;
        }
        ok = ok.with("Session-Expires", terms.get().headerForAnswer());
        return SessionTimer.supportsTimer(request) ? ok.with("Require", "timer") : ok;
    }

    private SipMessage.Response withToTag(SipMessage.Response response) {
        return response.replacing("To", dialog.local().format());
    }

    // ---------------------------------------------------------------- session timer (RFC 4028)

    private void restartSessionTimer(SipMessage.Request request) {
        SessionTimer.forRequest(request).ifPresentOrElse(this::startSessionTimer, this::stopSessionTimer);
    }

    private void startSessionTimer(SessionTimer terms) {
        stopSessionTimer();
        if (terms.weRefresh()) {
            refresher.start(terms);
        } else {
            sessionTimer = stack.scheduler().schedule(Duration.ofMillis(terms.expireAfterMillis()), this::sessionExpired);
        }
    }

    private void stopSessionTimer() {
        refresher.stop();
        if (sessionTimer != null) {
            sessionTimer.cancel();
            sessionTimer = null;
        }
    }

    /** How our refreshes end (RFC 4028 §10). */
    private final class RefreshOutcome implements SessionRefresher.Listener {
        @Override
        public void onRefreshed(SipMessage.Response ok) {
            if (state != State.CONFIRMED) {
                return;
            }
            // No Session-Expires in the answer: the far end has dropped the timer (§7.2).
            SessionTimer.fromAnswer(ok).ifPresentOrElse(CallSession.this::startSessionTimer,
                    CallSession.this::stopSessionTimer);
            if (!ok.body().isBlank()) {
                updateRemote(ok.body());
            }
        }

        @Override
        public void onDialogGone(String reason) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}; ending the call", dialog.logName(), reason);
            sessionLost();
        }

        @Override
        public void onRefreshFailed(String reason) {
            if (state == State.ENDED) {
                return;
            }
            sendBye();
            emit(new SipCallEvent.SessionRefreshFailed(reason));
            end();
        }
    }

    private void sessionExpired() {
        if (state == State.CONFIRMED) {
            LOG.log(System.Logger.Level.WARNING, "{0}: the far end stopped refreshing the session; ending it", dialog.logName());
            sessionLost();
        }
    }

    private void sessionLost() {
        if (state == State.ENDED) {
            return;
        }
        sendBye();
        emit(new SipCallEvent.RemoteHangup());
        end();
    }

    // ---------------------------------------------------------------- hangup and teardown

    private void hangupNow() {
        switch (state) {
            case INVITING, EARLY -> {
                cancelRingTimer();
                requestCancel();
                closeEvents();
            }
            case ANSWERING -> {
                // RFC 3261 §15: the callee must not send BYE before the ACK (or its timeout).
                byeAfterAck = true;
                state = State.ENDED;
                closeEvents();
            }
            case CONFIRMED -> {
                sendBye();
                closeEvents();
                end();
            }
            case ENDED -> {
                // already over
            }
        }
    }

    @Override
    public CompletableFuture<Void> sendDtmfInfo(char digit) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stack.execute(() -> {
            if (state != State.CONFIRMED) {
                done.completeExceptionally(new SipRequestException("INFO", 0, "the call is not answered (" + state + ")"));
                return;
            }
            sendInfo(DtmfRelay.body(digit), done, true);
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> refer(String digits) {
        Objects.requireNonNull(digits, "digits");
        CompletableFuture<Void> done = new CompletableFuture<>();
        stack.execute(() -> {
            if (state != State.CONFIRMED) {
                done.completeExceptionally(new SipRequestException("REFER", 0, "the call is not answered (" + state + ")"));
                return;
            }
            if (pendingRefer != null) {
                done.completeExceptionally(new SipRequestException("REFER", 0, "a REFER is already under way"));
                return;
            }
            pendingRefer = done;
            String domain = stack.config().domain();
            sendRefer("<sip:" + digits + "@" + domain + ">", "<sip:" + stack.config().login() + "@" + domain + ">",
                    done, true);
        });
        return done;
    }

    private void sendRefer(String referTo, String referredBy, CompletableFuture<Void> done, boolean mayRetry) {
        SipMessage.Request refer = credentials.authorize(dialog.request(stack, "REFER", dialog.nextLocalCseq(), "", "")
                .with("Refer-To", referTo)
                .with("Referred-By", referredBy)
                .with("User-Agent", UdpSipUserAgent.USER_AGENT));
        stack.sendNonInvite(refer, new ClientNonInviteTransaction.Owner() {
            @Override
            public void onFinalResponse(SipMessage.Response response) {
                if (mayRetry && (response.status() == 401 || response.status() == 407)
                        && credentials.onChallenge(response) == DigestCredentials.Outcome.RETRY) {
                    sendRefer(referTo, referredBy, done, false);
                } else if (response.isSuccess()) {
                    LOG.log(System.Logger.Level.INFO, "{0}: REFER accepted ({1}); following its NOTIFYs", callId(),
                            response.status());
                } else {
                    logOutcome("REFER", response);
                    settleRefer(done, new SipRequestException("REFER", response.status(), response.reason()));
                }
            }

            @Override
            public void onTimeout() {
                settleRefer(done, new SipRequestException("REFER", 408, "no response"));
            }
        });
    }

    /** Fails the REFER {@code done} unless a NOTIFY settled it first. */
    private void settleRefer(CompletableFuture<Void> done, SipRequestException failure) {
        if (pendingRefer == done) {
            pendingRefer = null;
        }
        done.completeExceptionally(failure);
    }

    private void sendInfo(String body, CompletableFuture<Void> done, boolean mayRetry) {
        SipMessage.Request info = credentials.authorize(
                dialog.request(stack, "INFO", dialog.nextLocalCseq(), "application/dtmf-relay", body)
                        .with("User-Agent", UdpSipUserAgent.USER_AGENT));
        stack.sendNonInvite(info, new ClientNonInviteTransaction.Owner() {
            @Override
            public void onFinalResponse(SipMessage.Response response) {
                if (mayRetry && (response.status() == 401 || response.status() == 407)
                        && credentials.onChallenge(response) == DigestCredentials.Outcome.RETRY) {
                    sendInfo(body, done, false);
                } else if (response.isSuccess()) {
                    done.complete(null);
                } else {
                    logOutcome("INFO", response);
                    done.completeExceptionally(new SipRequestException("INFO", response.status(), response.reason()));
                }
            }

            @Override
            public void onTimeout() {
                done.completeExceptionally(new SipRequestException("INFO", 408, "no response"));
            }
        });
    }

    private void sendBye() {
        SipMessage.Request bye = credentials.authorize(dialog.request(stack, "BYE", dialog.nextLocalCseq(), "", "")
                .with("User-Agent", UdpSipUserAgent.USER_AGENT));
        stack.sendNonInvite(bye, new ClientNonInviteTransaction.Owner() {
            @Override
            public void onFinalResponse(SipMessage.Response response) {
                if ((response.status() == 401 || response.status() == 407)
                        && credentials.onChallenge(response) == DigestCredentials.Outcome.RETRY) {
                    SipMessage.Request retry = credentials.authorize(
                            dialog.request(stack, "BYE", dialog.nextLocalCseq(), "", ""));
                    stack.sendNonInvite(retry, ignoringOutcome("BYE"));
                } else if (!response.isSuccess()) {
                    logOutcome("BYE", response);
                }
            }

            @Override
            public void onTimeout() {
                LOG.log(System.Logger.Level.WARNING, "{0}: BYE got no response", dialog.logName());
            }
        });
    }

    private ClientNonInviteTransaction.Owner ignoringOutcome(String method) {
        return new ClientNonInviteTransaction.Owner() {
            @Override
            public void onFinalResponse(SipMessage.Response response) {
                if (!response.isSuccess()) {
                    logOutcome(method, response);
                }
            }

            @Override
            public void onTimeout() {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1} got no response", dialog.logName(), method);
            }
        };
    }

    private void logOutcome(String method, SipMessage.Response response) {
        LOG.log(System.Logger.Level.INFO, "{0}: {1} answered {2} {3}", dialog.logName(), method, response.status(),
                response.reason());
    }

    private void fail(FailureCause cause, int code, String reason) {
        emit(new SipCallEvent.Failed(cause, code, reason));
        end();
    }

    private void end() {
        state = State.ENDED;
        if (pendingRefer != null) {
            settleRefer(pendingRefer, new SipRequestException("REFER", 0, "the call ended first"));
        }
        cancelRingTimer();
        stopSessionTimer();
        closeEvents();
        stack.callEnded(this);
    }

    private void cancelRingTimer() {
        if (ringTimer != null) {
            ringTimer.cancel();
        }
    }

    private void closeEvents() {
        eventsClosed = true;
    }

    private void emit(SipCallEvent event) {
        if (eventsClosed || listener == null) {
            return;
        }
        if (event instanceof SipCallEvent.Failed || event instanceof SipCallEvent.RemoteHangup
                || event instanceof SipCallEvent.SessionRefreshFailed) {
            eventsClosed = true;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, dialog.logName() + ": call listener failed on " + event, e);
        }
    }

    @Override
    public String toString() {
        return "SipCall[" + callId() + ", " + state + "]";
    }
}
