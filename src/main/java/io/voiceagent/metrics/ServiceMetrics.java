package io.voiceagent.metrics;

/**
 * Every metric of the service, declared here with its help text, in the order {@code /metrics} lists
 * them. The packages that see the events count into these fields ({@code call}, {@code media},
 * {@code ai}, {@code webhooks}, {@code transfer}); the owners of what gauges show bind their sources.
 * Durations are in seconds, sizes in bytes; counters only go up, so {@code rate()} and {@code increase()} are right
 * across calls leaving the in-memory window and across the service's restarts.
 */
public final class ServiceMetrics {
    private static final double[] SETUP_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60};
    private static final double[] AI_CONNECT_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10};
    private static final double[] GREETING_BUCKETS = {0.02, 0.04, 0.06, 0.1, 0.2, 0.3, 0.5, 1, 2, 5};
    private static final double[] DURATION_BUCKETS = {5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600};
    /** Fine below 5 ms: the target is a pong within 5 ms of its ping (p99). */
    private static final double[] PONG_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
            0.025, 0.05, 0.1, 0.25, 1, 2.5, 5};

    /**
     * Fine below 2 ms: a packet's turn more than 2 ms behind its deadline is late (a tenth of a frame);
     * still a few buckets a frame up to 30 ms, so that a loaded machine's p99 can be told apart.
     */
    private static final double[] SEND_LATENESS_BUCKETS = {0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002,
            0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 1};

    private final MetricsRegistry registry = new MetricsRegistry();

    // ---- calls (package call) ----
    public final Counter callsStarted = registry.counter("voiceagent_calls_started_total",
            "Calls placed: admitted and their first record written (a start refused with 4xx/503 is not one)");
    public final Counter callsEnded = registry.counter("voiceagent_calls_ended_total",
            "Calls ended, by final status and hangup cause (the call record's status and hangup_cause)",
            "status", "cause");
    public final Gauge liveCalls = registry.gauge("voiceagent_calls_live",
            "Calls live now, by status (dialing, ringing, answered)", "status");
    public final Histogram ringingAfterStart = registry.histogram("voiceagent_call_ringing_seconds",
            "Call setup: from the start request to the phone ringing (first 180/183, or Exolve's event)",
            SETUP_BUCKETS);
    public final Histogram answerAfterStart = registry.histogram("voiceagent_call_answer_seconds",
            "Call setup: from the start request to the answer", SETUP_BUCKETS);
    public final Histogram aiConnect = registry.histogram("voiceagent_ai_connect_seconds",
            "From the start request to the agent's conversation metadata (the conversation is ready)",
            AI_CONNECT_BUCKETS);
    public final Histogram greetingDelay = registry.histogram("voiceagent_greeting_delay_seconds",
            "From the answer to the first packet of agent audio sent to the phone", GREETING_BUCKETS);
    public final Histogram callDuration = registry.histogram("voiceagent_call_duration_seconds",
            "Answered calls: from the answer to the end", DURATION_BUCKETS);
    public final Counter dtmfDigits = registry.counter("voiceagent_dtmf_digits_received_total",
            "DTMF digits received from phones (RFC 4733 telephone-events and SIP INFO)");
    public final Counter transfers = registry.counter("voiceagent_transfers_total",
            "Transfers to a person that have an outcome, by mode (bridge, refer) and outcome (answered, referred,"
                    + " busy, no_answer, failed, canceled)", "mode", "outcome");
    public final Gauge sipRegistration = registry.gauge("voiceagent_sip_registration",
            "SIP registration state: 1 for the current state, 0 for the others", "state");
    public final Gauge journalState = registry.gauge("voiceagent_journal_state",
            "Call journal state: 1 for the current state (ok: writes succeed; failing: new calls are refused)",
            "state");
    public final Counter journalWriteErrors = registry.counter("voiceagent_journal_write_errors_total",
            "Failed attempts to write the call journal");

    // ---- RTP (package media) ----
    public final Counter rtpPackets = registry.counter("voiceagent_rtp_packets_total",
            "RTP packets of calls: in from phones (accepted), out to phones", "direction");
    public final Counter rtpBytes = registry.counter("voiceagent_rtp_bytes_total",
            "RTP payload bytes of calls: in from phones (accepted), out to phones", "direction");
    public final Counter rtpLost = registry.counter("voiceagent_rtp_lost_total",
            "RTP packets from phones missing when their turn to play came (lost, or later than the reorder"
                    + " window): played as silence");
    public final Counter rtpRejected = registry.counter("voiceagent_rtp_rejected_total",
            "RTP and RTCP packets dropped on arrival, by reason (foreign_source: may not be adopted;"
                    + " learning: a new source not adopted yet; malformed: not RTP or RTCP)", "reason");
    public final Histogram rtpSendLateness = registry.histogram("voiceagent_rtp_send_lateness_seconds",
            "How late each packet's turn to be sent began behind its 20 ms deadline on the pacing clock (the"
                    + " service's own pacing, before the network)", SEND_LATENESS_BUCKETS);
    public final Counter rtpSkippedTicks = registry.counter("voiceagent_rtp_pacer_skipped_ticks_total",
            "Pacing clock ticks (1 ms each) skipped because the clock fell more than a period behind (a stall):"
                    + " the calls on them sent nothing that period");
    public final Counter rtpFarEndLost = registry.counter("voiceagent_rtp_far_end_lost_total",
            "Our RTP packets the far ends report lost in their RTCP receiver reports");
    public final Gauge rtpJitter = registry.gauge("voiceagent_rtp_jitter_seconds",
            "Mean RFC 3550 interarrival jitter of the phones' RTP, over live calls");
    public final Gauge rtcpRoundTrip = registry.gauge("voiceagent_rtcp_round_trip_seconds",
            "Mean RTCP round-trip time, over live calls whose far end reports one");
    public final Gauge farEndFractionLost = registry.gauge("voiceagent_rtp_far_end_fraction_lost",
            "Mean fraction of our packets lost in the far ends' last RTCP interval, over live calls that report");
    public final Gauge farEndJitter = registry.gauge("voiceagent_rtp_far_end_jitter_seconds",
            "Mean jitter the far ends report on our RTP (RTCP), over live calls that report");

    // ---- the agent (package ai) ----
    public final Counter agentInterruptions = registry.counter("voiceagent_agent_interruptions_total",
            "Interruptions (barge-in) the agent sent: its queued audio was dropped");
    public final Histogram pongDelay = registry.histogram("voiceagent_agent_pong_delay_seconds",
            "In this service: from a ping frame read off the agent's WebSocket to its pong handed to the socket",
            PONG_BUCKETS);

    // ---- campaigns (package campaigns) ----
    public final Gauge campaigns = registry.gauge("voiceagent_campaigns",
            "Campaigns by status (running, paused, completed, canceled)", "status");
    public final Gauge campaignContacts = registry.gauge("voiceagent_campaign_contacts",
            "Contacts of running and paused campaigns, by state (pending, calling, retry_wait, done, not_called)",
            "state");
    public final Counter campaignAttempts = registry.counter("voiceagent_campaign_attempts_total",
            "Campaign call attempts that have an outcome, by outcome (answered, busy, no_answer, failed, voicemail,"
                    + " canceled)", "outcome");

    // ---- webhooks (package webhooks) ----
    public final Counter webhookDeliveries = registry.counter("voiceagent_webhook_deliveries_total",
            "Webhook delivery attempts by result (retry: failed, tried again later; rejected: a 4xx answer;"
                    + " expired: given up after the retry window)", "result");
    public final Gauge webhookPending = registry.gauge("voiceagent_webhook_pending",
            "Webhook events not yet delivered");

    public ServiceMetrics() {
        for (String direction : new String[] {"in", "out"}) {
            rtpPackets.labels(direction);
            rtpBytes.labels(direction);
        }
        for (String reason : new String[] {"foreign_source", "learning", "malformed"}) {
            rtpRejected.labels(reason);
        }
    }

    /** Every metric above as Prometheus text, for {@code GET /metrics}. */
    public String scrape() {
        return registry.scrape();
    }
}
