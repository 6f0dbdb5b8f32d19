package io.voiceagent.transfer;

import io.voiceagent.config.Config;
import io.voiceagent.sip.FailureCause;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One call's transfers to a person, one at a time. In bridge mode the person is dialled as a second
 * leg ({@link PersonLeg}) while the caller hears a ringback tone; when the person answers, the agent
 * is told the outcome, its conversation is closed and the two legs' audio is relayed until either
 * hangs up, which ends the other. Busy, no answer within TRANSFER_RING_TIMEOUT_S or any failure gives
 * the caller back to the agent with a {@code contextual_update} saying why; another attempt may follow.
 *
 * <p>Threads: started from the conversation's reader or an HTTP thread; the person's SIP events
 * arrive on the SIP executor (in Exolve HTTP mode a failure before the INVITE arrives on the MakeCall's
 * thread or a webhook's), the ring timeout on the timers, media losses on the media engine's
 * callback threads. The lock guards this object's fields; it is never taken under a call's lock and
 * never held while calling the call, SIP or media, except to start the ringback and divert the
 * caller's audio (the media session's leaf locks and a volatile field of the call).
 */
public final class CallTransfer {

    private static final System.Logger LOG = System.getLogger(CallTransfer.class.getName());
    /**
     * How long the agent is given to start saying the tool's message before the ringback may begin
     * (the tone still waits for what it has queued to play out).
     */
    static final long MESSAGE_GRACE_MS = 2000;

    /** Where the tool's (or the operator's) answer goes: the text for the agent, and whether it failed. */
    @FunctionalInterface
    public interface ResultSink {
        ResultSink NONE = (text, isError) -> {
        };

        void result(String text, boolean isError);
    }

    private enum Phase { IDLE, REFERRING, DIALING, BRIDGED, OVER }

    private final Transfers transfers;
    private final TransferableCall call;
    private final ReentrantLock lock = new ReentrantLock();
    private Phase phase = Phase.IDLE;
    private TransferSummary summary;
    private PersonLeg leg;
    private Ringback ringback;
    private ResultSink resultSink = ResultSink.NONE;
    private ScheduledFuture<?> ringTimer;
    /** Attempts started so far: each one's number is on its summary. */
    private int attempts;

    CallTransfer(Transfers transfers, TransferableCall call) {
        this.transfers = transfers;
        this.call = call;
    }

    /**
     * Starts a transfer of the answered call to {@code target} (E.164 digits). Returns at once: empty
     * when it started, else why it cannot ({@code result} is then not called). {@code requestedBy}
     * goes on the record: {@code tool}, {@code system_tool} or {@code api}. With {@code agentSpeaksFirst}
     * (the agent was asked to say a message) the ringback waits {@link #MESSAGE_GRACE_MS} for it.
     */
    public Optional<String> start(String target, String requestedBy, boolean agentSpeaksFirst, ResultSink result) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
        if (call.answeredWhileLive().isEmpty()) {
            return Optional.of("the call is not answered");
        }
        Optional<TransferableCall.AgentFormats> formats = call.agentFormats();
        if (formats.isEmpty()) {
            return Optional.of("the agent's conversation is not up yet");
        }
        Optional<SipCall> phoneLeg = call.phoneLeg();
        boolean refer = transfers.settings.mode() == Config.TransferMode.REFER && phoneLeg.isPresent();
        Ringback tone = new Ringback(call.media(), formats.get().agentOutput(), transfers.settings.holdSound());
        TransferSummary started;
        lock.lock();
        try {
            if (phase != Phase.IDLE) {
                return Optional.of(phase == Phase.DIALING || phase == Phase.REFERRING
                        ? "a transfer is already under way" : "the call has already been handed over");
            }
            phase = refer ? Phase.REFERRING : Phase.DIALING;
            resultSink = result;
            ringback = tone;
            attempts++;
            summary = TransferSummary.ringing(attempts, target, refer ? Config.TransferMode.REFER : Config.TransferMode.BRIDGE,
                    requestedBy, transfers.clock.instant());
            started = summary;
        } finally {
            lock.unlock();
        }
        log(System.Logger.Level.INFO, "stage=transfer to " + target + " (" + requestedBy + ", "
                + started.mode().wireName() + ")");
        call.recordTransfer(started);
        ringbackOnceQuiet(tone, agentSpeaksFirst);
        if (refer) {
            refer(target, formats.get(), phoneLeg.get());
        } else {
            bridge(target, formats.get());
        }
        return Optional.empty();
    }

    /**
     * What the agent is still saying (its goodbye, the tool's message) plays out; then the caller
     * hears the ringback instead of the agent, for as long as the attempt rings.
     */
    private void ringbackOnceQuiet(Ringback tone, boolean agentSpeaksFirst) {
        Runnable once = () -> call.media().whenQueueDrained(() -> {
            lock.lock();
            try {
                // Under the lock, so that a failure cannot slip between the check and the tone.
                if ((phase == Phase.DIALING || phase == Phase.REFERRING) && ringback == tone) {
                    call.divertAudio(chunk -> {
                    });
                    tone.start();
                }
            } finally {
                lock.unlock();
            }
        });
        if (agentSpeaksFirst) {
            transfers.timers.schedule(once, MESSAGE_GRACE_MS, TimeUnit.MILLISECONDS);
        } else {
            once.run();
        }
    }

    /** TRANSFER_MODE=refer: the far end is asked to call the person itself; any failure falls back to bridge. */
    private void refer(String target, TransferableCall.AgentFormats formats, SipCall phoneLeg) {
        lock.lock();
        try {
            if (phase != Phase.REFERRING) {
                return;
            }
            ringTimer = transfers.timers.schedule(() -> referFailed(target, formats, "no outcome within "
                    + transfers.settings.ringTimeout().toSeconds() + " s"),
                    transfers.settings.ringTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
        phoneLeg.refer(target).whenComplete((ok, failure) -> {
            if (failure == null) {
                referred();
            } else {
                referFailed(target, formats, reason(failure));
            }
        });
    }

    private void referred() {
        completed(() -> phase == Phase.REFERRING, TransferOutcome.REFERRED).ifPresent(done -> {
            done.tellTheAgent("stage=transfer_referred: the far end took the call to " + done.summary.target(),
                    "Transferred: the call was handed to " + done.summary.target() + ".");
            call.recordTransfer(done.summary);
            call.endTransferred(false);
        });
    }

    /** A transfer that reached the person (REFER taken, or their leg answered), and whom to tell. */
    private final class Completed {
        final TransferSummary summary;
        private final ResultSink result;

        Completed(TransferSummary summary, ResultSink result) {
            this.summary = summary;
            this.result = result;
        }

        /** Counts and logs it, answers the agent's tool call, then closes the agent and drops its queued audio. */
        void tellTheAgent(String logLine, String toolResult) {
            count(summary);
            log(System.Logger.Level.INFO, logLine);
            // The result goes out before the close, so that the agent's tool call is answered.
            result.result(toolResult, false);
            call.closeAgent();
            call.media().interrupt(); // the ringback still queued
        }
    }

    /**
     * Ends the attempt as {@code outcome} if {@code stillPending} holds under the lock (the call may have
     * ended, or the attempt given up, meanwhile): the ring timer and the ringback stop.
     */
    private Optional<Completed> completed(BooleanSupplier stillPending, TransferOutcome outcome) {
        Instant now = transfers.clock.instant();
        lock.lock();
        try {
            if (!stillPending.getAsBoolean()) {
                return Optional.empty();
            }
            phase = Phase.BRIDGED;
            cancelRingTimer();
            ringback.stop();
            summary = summary.answered(outcome, now);
            return Optional.of(new Completed(summary, resultSink));
        } finally {
            lock.unlock();
        }
    }

    private void referFailed(String target, TransferableCall.AgentFormats formats, String why) {
        TransferSummary fallingBack;
        lock.lock();
        try {
            if (phase != Phase.REFERRING) {
                return;
            }
            phase = Phase.DIALING;
            cancelRingTimer();
            summary = summary.referFailed(why);
            fallingBack = summary;
        } finally {
            lock.unlock();
        }
        log(System.Logger.Level.INFO, "transfer: REFER failed (" + why + "); bridging instead");
        call.recordTransfer(fallingBack);
        bridge(target, formats);
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private void bridge(String target, TransferableCall.AgentFormats formats) {
        PersonLeg person;
        try {
            person = PersonLeg.open(transfers, call, formats, this::onPersonMediaLost);
        } catch (IOException e) {
            fail(TransferOutcome.FAILED, "no free RTP port for the second call");
            return;
        }
        lock.lock();
        try {
            if (phase != Phase.DIALING) {
                person.hangUp(); // the call ended while the port was being opened
                return;
            }
            leg = person;
            ringTimer = transfers.timers.schedule(() -> fail(TransferOutcome.NO_ANSWER, "nobody answered within "
                    + transfers.settings.ringTimeout().toSeconds() + " s"),
                    transfers.settings.ringTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
        person.dial(transfers, target, event -> onPersonEvent(person, event));
    }

    private boolean dialing(PersonLeg person) {
        lock.lock();
        try {
            return phase == Phase.DIALING && leg == person;
        } finally {
            lock.unlock();
        }
    }

    /** On the SIP executor, or (Exolve HTTP mode, before the INVITE) a MakeCall or webhook thread. */
    private void onPersonEvent(PersonLeg person, SipCallEvent event) {
        switch (event) {
            case SipCallEvent.Ringing ringing -> log(System.Logger.Level.INFO, "transfer: the person's phone rings ("
                    + ringing.statusCode() + ")");
            case SipCallEvent.Answered answered -> onPersonAnswered(person, answered);
            case SipCallEvent.Failed failed -> {
                if (dialing(person)) {
                    TransferOutcome outcome = switch (failed.cause()) {
                        case BUSY -> TransferOutcome.BUSY;
                        case NO_ANSWER, RING_TIMEOUT -> TransferOutcome.NO_ANSWER;
                        default -> TransferOutcome.FAILED;
                    };
                    fail(outcome, what(failed.cause())
                            + (failed.statusCode() > 0 ? " (" + failed.statusCode() + " " + failed.reason() + ")" : ""));
                }
            }
            case SipCallEvent.RemoteHangup ignored -> onPersonGone("the person hung up");
            case SipCallEvent.SessionRefreshFailed refresh -> onPersonGone("the person's leg failed: " + refresh.reason());
            case SipCallEvent.MediaUpdated updated -> person.connect(updated.remote());
            case SipCallEvent.Dtmf ignored -> {
            }
        }
    }

    private void onPersonAnswered(PersonLeg person, SipCallEvent.Answered answered) {
        if (!person.connect(answered.remote())) {
            fail(TransferOutcome.FAILED, "the person's phone offers no codec we speak");
            return;
        }
        // the call may have ended (and hung this leg up) or the attempt given up meanwhile
        completed(() -> phase == Phase.DIALING && leg == person, TransferOutcome.ANSWERED).ifPresent(done -> {
            done.tellTheAgent("stage=transfer_answered: relaying the caller and " + done.summary.target(),
                    "Transferred: " + done.summary.target() + " answered and is talking to the caller now.");
            person.answered();
            call.divertAudio(person::play);
            call.recordTransfer(done.summary);
        });
    }

    /** A failed INVITE to the person, as the agent and the record are told it. */
    private static String what(FailureCause cause) {
        return switch (cause) {
            case BUSY -> "busy";
            case DECLINED -> "declined";
            case NO_ANSWER, RING_TIMEOUT -> "no answer";
            case INVALID_NUMBER -> "not a valid number";
            case FORBIDDEN -> "the carrier refuses this number";
            case PROVIDER_ERROR -> "the carrier failed";
            case TIMEOUT -> "no response from the carrier";
            case AUTH_FAILED -> "the carrier refused our credentials";
            case NETWORK -> "a network failure";
            case OTHER -> "refused";
        };
    }

    /** The person's leg ended (BYE, refresh failure) or lost its media. */
    private void onPersonGone(String why) {
        lock.lock();
        try {
            if (phase != Phase.BRIDGED) {
                return;
            }
        } finally {
            lock.unlock();
        }
        log(System.Logger.Level.INFO, "transfer: " + why + "; ending the call");
        call.endTransferred(true);
    }

    private void onPersonMediaLost() {
        lock.lock();
        try {
            if (phase != Phase.BRIDGED) {
                return;
            }
        } finally {
            lock.unlock();
        }
        log(System.Logger.Level.WARNING, "transfer: no RTP from the person; ending the call");
        call.endTransferred(false);
    }

    /** The attempt failed while dialling: the person's leg goes, the caller is the agent's again. */
    private void fail(TransferOutcome outcome, String why) {
        PersonLeg person;
        ResultSink result;
        TransferSummary failed;
        lock.lock();
        try {
            if (phase != Phase.DIALING) {
                return;
            }
            phase = Phase.IDLE;
            cancelRingTimer();
            ringback.stop();
            ringback = null;
            person = leg;
            leg = null;
            result = resultSink;
            resultSink = ResultSink.NONE;
            summary = summary.failed(outcome, why);
            failed = summary;
        } finally {
            lock.unlock();
        }
        count(failed);
        log(System.Logger.Level.INFO, "stage=transfer_failed outcome=" + outcome.wireName() + ": " + why);
        if (person != null) {
            person.hangUp();
        }
        call.media().interrupt();
        call.divertAudio(null);
        call.recordTransfer(failed);
        String text = "The transfer to " + failed.target() + " did not go through: " + why + ".";
        result.result(text, true);
        call.tellAgent(text + " The caller is back with you: tell them, and carry on with the conversation.");
    }

    /**
     * The call is ending (outside its lock, before its final record): a ringing or bridged person
     * leg is hung up. Returns the transfer as the final record shows it, if one was made.
     */
    public Optional<TransferSummary> onCallEnded(Instant callAnsweredAt, Instant endedAt) {
        PersonLeg person;
        Ringback tone;
        TransferSummary last;
        boolean canceled;
        lock.lock();
        try {
            Phase was = phase;
            phase = Phase.OVER;
            cancelRingTimer();
            person = leg;
            tone = ringback;
            if (summary == null) {
                return Optional.empty();
            }
            canceled = was == Phase.DIALING || was == Phase.REFERRING;
            if (canceled) {
                summary = summary.failed(TransferOutcome.CANCELED, "the call ended while the person's phone rang");
            }
            summary = summary.ended(callAnsweredAt, endedAt);
            last = summary;
        } finally {
            lock.unlock();
        }
        if (tone != null) {
            tone.stop();
        }
        if (person != null) {
            person.hangUp();
        }
        if (canceled) {
            count(last);
        }
        return Optional.of(last);
    }

    /** Whether the call has been handed to the person (its ending then has cause {@code transferred}). */
    public boolean handedOver() {
        lock.lock();
        try {
            return summary != null && (summary.outcome() == TransferOutcome.ANSWERED
                    || summary.outcome() == TransferOutcome.REFERRED);
        } finally {
            lock.unlock();
        }
    }

    private void count(TransferSummary settled) {
        transfers.settled.labels(settled.mode().wireName(), settled.outcome().wireName()).inc();
    }

    private void cancelRingTimer() {
        if (ringTimer != null) {
            ringTimer.cancel(false);
            ringTimer = null;
        }
    }

    private void log(System.Logger.Level level, String message) {
        LOG.log(level, "call=" + call.callId() + " " + message);
    }
}
