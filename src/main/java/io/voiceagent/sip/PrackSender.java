package io.voiceagent.sip;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reliable provisional responses as the UAC sees them (RFC 3262 §4): every 18x that carries
 * {@code Require: 100rel} and an {@code RSeq} gets a PRACK whose {@code RAck} names it, inside the
 * early dialog its To tag creates. Per early dialog, the first RSeq starts the count; the next
 * one must be exactly one higher. A copy of a response already PRACKed (the far end has not seen
 * our PRACK yet) gets the same PRACK again and is not processed twice; one that skips ahead is
 * dropped until the missing one comes. Runs on the user agent's serial executor.
 */
final class PrackSender {

    private static final System.Logger LOG = System.getLogger(PrackSender.class.getName());

    /** What the caller should do with a provisional response. */
    enum Verdict {
        /** Not reliable: handle it as any 18x. */
        UNRELIABLE,
        /** A new reliable 18x, PRACKed: handle it. */
        NEW,
        /** Already PRACKed (a retransmission) or out of order: ignore it. */
        IGNORE
    }

    private record EarlyDialog(long rseq, SipMessage.Request prack) {
    }

    private final SipStack stack;
    private final Dialog dialog;
    private final UnaryOperator<SipMessage.Request> authorize;
    private final Map<String, EarlyDialog> byToTag = new HashMap<>();

    /** {@code authorize} adds the credentials the INVITE needed, so a challenging proxy lets PRACK through. */
    PrackSender(SipStack stack, Dialog dialog, UnaryOperator<SipMessage.Request> authorize) {
        this.stack = stack;
        this.dialog = dialog;
        this.authorize = authorize;
    }

    static boolean isReliable(SipMessage.Response response) {
        return response.status() > 100 && response.status() < 200 && OptionTags.requires(response, "100rel")
                && rseq(response).isPresent();
    }

    Verdict onProvisional(SipMessage.Response response) {
        if (!isReliable(response)) {
            return Verdict.UNRELIABLE;
        }
        long rseq = rseq(response).orElseThrow();
        String toTag = SipAddress.parse(response.header("To").orElse("")).flatMap(SipAddress::tag).orElse("");
        EarlyDialog early = byToTag.get(toTag);
        if (early != null && rseq <= early.rseq()) {
            if (rseq == early.rseq()) {
                stack.sendToServer(early.prack());
            }
            return Verdict.IGNORE;
        }
        if (early != null && rseq != early.rseq() + 1) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: RSeq {1} after {2}: waiting for the missing one",
                    dialog.logName(), rseq, early.rseq());
            return Verdict.IGNORE;
        }
        // PRACK is a request of the early dialog (§7.1), numbered in our one CSeq space.
        SipMessage.Request prack = authorize.apply(dialog.forkedBy(response)
                .request(stack, "PRACK", dialog.nextLocalCseq(), "", "")
                .with("RAck", rseq + " " + response.cseq().number() + " " + response.cseq().method()));
        byToTag.put(toTag, new EarlyDialog(rseq, prack));
        stack.sendNonInvite(prack, new ClientNonInviteTransaction.Owner() {
            @Override
            public void onFinalResponse(SipMessage.Response answer) {
                if (!answer.isSuccess()) {
                    LOG.log(System.Logger.Level.INFO, "{0}: PRACK answered {1} {2}", dialog.logName(),
                            answer.status(), answer.reason());
                }
            }

            @Override
            public void onTimeout() {
                LOG.log(System.Logger.Level.WARNING, "{0}: PRACK got no response", dialog.logName());
            }
        });
        return Verdict.NEW;
    }

    private static Optional<Long> rseq(SipMessage.Response response) {
        try {
            return response.header("RSeq").map(String::strip).map(Long::parseLong).filter(n -> n > 0);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
