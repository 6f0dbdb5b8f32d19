package io.voiceagent.transfer;

import io.voiceagent.config.Config;
import io.voiceagent.media.MediaSessionFactory;
import io.voiceagent.metrics.Counter;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every call's transfers share: how the person's leg is placed ({@link PersonDialer}: through the
 * trunk, or MakeCall in Exolve HTTP mode) and the media engine its audio uses (the same as any call's),
 * the timers, the TRANSFER_* settings and the transfers' metric.
 */
public final class Transfers {

    final Config.Transfer settings;
    final PersonDialer dialer;
    final MediaSessionFactory mediaSessions;
    final ScheduledExecutorService timers;
    final Clock clock;
    /** {@code voiceagent_transfers_total}, labels mode and outcome: counted once per attempt, as it settles. */
    final Counter settled;

    public Transfers(Config.Transfer settings, PersonDialer dialer, MediaSessionFactory mediaSessions,
                     ScheduledExecutorService timers, Clock clock, Counter settled) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.mediaSessions = Objects.requireNonNull(mediaSessions, "mediaSessions");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settled = Objects.requireNonNull(settled, "settled");
    }

    /** The transfers of one call. */
    public CallTransfer forCall(TransferableCall call) {
        return new CallTransfer(this, Objects.requireNonNull(call, "call"));
    }
}
