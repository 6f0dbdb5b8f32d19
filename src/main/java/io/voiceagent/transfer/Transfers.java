package io.voiceagent.transfer;

import io.voiceagent.config.Config;
import io.voiceagent.media.MediaSessionFactory;
import io.voiceagent.metrics.Counter;
import io.voiceagent.sip.SipUserAgent;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What every call's transfers share: the SIP user agent and media engine the person's leg is placed
 * with (the same as any call's), the timers, the TRANSFER_* settings and the transfers' metric.
 */
public final class Transfers {

    final Config.Transfer settings;
    final SipUserAgent sip;
    final MediaSessionFactory mediaSessions;
    final ScheduledExecutorService timers;
    final Clock clock;
    final LongSupplier sdpSessionIds;
    /** {@code voiceagent_transfers_total}, labels mode and outcome: counted once per attempt, as it settles. */
    final Counter settled;

    public Transfers(Config.Transfer settings, SipUserAgent sip, MediaSessionFactory mediaSessions,
                     ScheduledExecutorService timers, Clock clock, LongSupplier sdpSessionIds, Counter settled) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sip = Objects.requireNonNull(sip, "sip");
        this.mediaSessions = Objects.requireNonNull(mediaSessions, "mediaSessions");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sdpSessionIds = Objects.requireNonNull(sdpSessionIds, "sdpSessionIds");
        this.settled = Objects.requireNonNull(settled, "settled");
    }

    /** The transfers of one call. */
    public CallTransfer forCall(TransferableCall call) {
        return new CallTransfer(this, Objects.requireNonNull(call, "call"));
    }
}
