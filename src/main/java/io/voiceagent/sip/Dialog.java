package io.voiceagent.sip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The state of an INVITE dialog (RFC 3261 §12): Call-ID, both tags, the remote target, the route
 * set and the CSeq counters. Before the far end answers it is the pre-dialog of an outbound INVITE.
 */
final class Dialog {

    private final String callId;
    /** Our call's id (not the SIP Call-ID), once known: every log line about the dialog carries it. */
    private volatile String owner;
    private final SipAddress local;
    private SipAddress remote;
    private String remoteTarget;
    private List<String> routeSet = List.of();
    private long localCseq;
    private long remoteCseq = -1;

    private Dialog(String callId, SipAddress local, SipAddress remote, String remoteTarget, long localCseq) {
        this.callId = Objects.requireNonNull(callId, "callId");
        this.local = local;
        this.remote = remote;
        this.remoteTarget = remoteTarget;
        this.localCseq = localCseq;
    }

    /** Ours, before the INVITE goes out. */
    static Dialog outbound(String callId, SipAddress local, SipAddress remote) {
        return new Dialog(callId, local, remote, remote.uri(), 0);
    }

    /** Created by an inbound INVITE we answer (§12.1.1): routes in Record-Route order. */
    static Dialog inbound(SipMessage.Request invite, String localTag) {
        SipAddress from = SipAddress.parse(invite.header("From").orElseThrow()).orElseThrow();
        SipAddress to = SipAddress.parse(invite.header("To").orElseThrow()).orElseThrow().withTag(localTag);
        String target = contactUri(invite).orElse(from.uri());
        Dialog dialog = new Dialog(invite.callId(), to, from, target, 0);
        dialog.routeSet = invite.headers().values("Record-Route");
        dialog.remoteCseq = invite.cseq().number();
        return dialog;
    }

    /** A 2xx to our INVITE establishes the dialog (§12.1.2): routes in reverse Record-Route order. */
    void establish(SipMessage.Response response) {
        SipAddress.parse(response.header("To").orElse("")).ifPresent(to -> remote = to);
        contactUri(response).ifPresent(uri -> remoteTarget = uri);
        List<String> routes = new ArrayList<>(response.headers().values("Record-Route"));
        Collections.reverse(routes);
        routeSet = List.copyOf(routes);
    }

    /** The dialog a second 2xx with another To tag creates (forking), sharing our side and CSeq. */
    Dialog forkedBy(SipMessage.Response response) {
        Dialog fork = new Dialog(callId, local, remote, remoteTarget, localCseq);
        fork.owner = owner;
        fork.establish(response);
        return fork;
    }

    private static java.util.Optional<String> contactUri(SipMessage message) {
        return message.headers().values("Contact").stream().findFirst().flatMap(SipAddress::parse)
                .map(SipAddress::uri);
    }

    String callId() {
        return callId;
    }

    /** The dialog belongs to our call {@code ownerCallId}: from now on its log lines name it. */
    void ownedBy(String ownerCallId) {
        owner = Objects.requireNonNull(ownerCallId, "ownerCallId");
    }

    /**
     * How log lines name the dialog: {@code call=<our id> <Call-ID>}, the call first where the log
     * formatter expects it (app.Logging), or only the Call-ID while no call owns the dialog.
     */
    String logName() {
        return owner == null ? callId : "call=" + owner + " " + callId;
    }

    SipAddress local() {
        return local;
    }

    SipAddress remote() {
        return remote;
    }

    /**
     * RFC 3261 §12.2.2: a request is in this dialog when its To tag is ours and its From tag the far
     * end's. Before the far end's tag is known (an early outbound dialog) only ours is checked.
     */
    boolean matches(SipMessage.Request request) {
        java.util.Optional<String> toTag = SipAddress.parse(request.header("To").orElse("")).flatMap(SipAddress::tag);
        java.util.Optional<String> fromTag = SipAddress.parse(request.header("From").orElse(""))
                .flatMap(SipAddress::tag);
        if (!toTag.equals(local.tag())) {
            return false;
        }
        return remote.tag().isEmpty() || fromTag.equals(remote.tag());
    }

    long nextLocalCseq() {
        return ++localCseq;
    }

    /** False for a request whose CSeq is not above the last one (a stray or reordered request). */
    boolean acceptRemoteCseq(long cseq) {
        if (cseq <= remoteCseq) {
            return false;
        }
        remoteCseq = cseq;
        return true;
    }

    /**
     * A new request within the dialog (§12.2.1.1), assuming loose routing. The Request-URI of the
     * first INVITE is the remote URI; later ones target the far end's Contact.
     */
    SipMessage.Request request(SipStack stack, String method, long cseq, String contentType, String body) {
        SipHeaders h = SipHeaders.empty()
                .with("Via", stack.via(stack.newBranch()))
                .with("Max-Forwards", "70")
                .with("From", local.format())
                .with("To", remote.format())
                .with("Call-ID", callId)
                .with("CSeq", cseq + " " + method);
        for (String route : routeSet) {
            h = h.with("Route", route);
        }
        if (!method.equals("ACK") && !method.equals("CANCEL") && !method.equals("BYE")) {
            h = h.with("Contact", "<" + stack.contactUri() + ">");
        }
        if (!contentType.isEmpty()) {
            h = h.with("Content-Type", contentType);
        }
        return new SipMessage.Request(method, remoteTarget, h, body);
    }
}
