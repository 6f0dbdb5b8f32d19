package io.voiceagent.campaigns;

import io.voiceagent.call.CallException;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallService;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.metrics.Counter;
import io.voiceagent.metrics.ServiceMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Campaigns: lists of contacts called through {@link CallService#start} within each campaign's limits
 * (live calls, calls per second, calling window, stop time), retried per outcome, never calling a number
 * on the {@link DoNotCallList}, and kept in their own journal ({@link CampaignJournal}) so that a restart
 * resumes them where they stopped.
 *
 * <p>One scheduler thread ({@code campaign-scheduler}) runs {@link #tick}: it reads the outcome of the
 * live calls ({@link CallService#find}), schedules retries, and places the calls that are due. An attempt
 * is journaled and forced to disk before its call is placed, with the idempotency key
 * {@code <campaign>/<contact>/<attempt>}; after a crash an attempt whose call is unknown is placed again
 * with the same key, which answers with the call when it was placed (it then ended as failed,
 * {@code service_restart}: a failed attempt) and places it when it was not, so no attempt is dialed twice.
 *
 * <p>Lock: {@code lock} guards every campaign's state; it is held for bookkeeping only, never while a call
 * is placed or looked up, or while waiting for the disk. Taken by the scheduler and the API's threads; inside
 * it only the journal's queue lock and the {@link DoNotCallList}'s lock (leaves) and the listener (which
 * only queues).
 */
public final class Campaigns implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Campaigns.class.getName());
    /** Live calls are looked at this often for their outcome. */
    static final Duration POLL = Duration.ofMillis(250);
    /** The longest the scheduler sleeps: a window opening or a DNC change is seen within it. */
    static final Duration IDLE = Duration.ofSeconds(1);
    /** A start the service refused for now (too many calls, not registered, journal failing) is tried again after this. */
    static final Duration REFUSED_RETRY = Duration.ofSeconds(5);
    public static final int MAX_CONTACTS = 100_000;

    private final CallService calls;
    private final CallJournal journal;
    private final DoNotCallList doNotCall;
    private final Clock clock;
    private final RandomGenerator random;
    private final int maxConcurrentLimit;
    private final UnaryOperator<StartCallRequest> prepare;
    private final CampaignListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private final Map<String, Campaign> campaigns = new LinkedHashMap<>();
    /** Set by {@link #reportTo}; until then outcomes are not counted. */
    private volatile Counter attemptOutcomes;
    private Thread scheduler;
    private boolean closed;
    private boolean wakeUp;

    /**
     * @param maxConcurrentCalls MAX_CONCURRENT_CALLS: a campaign may use all but a tenth of it (at least one
     *                           slot), which is left for calls started through the API
     * @param prepare            what the API does to a start before placing it (the recording notice)
     * @param restored           the campaigns' journal records, as {@link #open} read them
     */
    Campaigns(CallService calls, CallJournal journal, List<Map<String, Object>> restored, DoNotCallList doNotCall,
              Clock clock, RandomGenerator random, int maxConcurrentCalls, UnaryOperator<StartCallRequest> prepare,
              CampaignListener listener) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.doNotCall = Objects.requireNonNull(doNotCall, "doNotCall");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.prepare = Objects.requireNonNull(prepare, "prepare");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxConcurrentLimit = Math.max(1, maxConcurrentCalls - Math.max(1, maxConcurrentCalls / 10));
        restore(restored);
    }

    /** Opens the campaigns' journal in {@code dataDir} and resumes what it holds; {@link #start} starts dialing. */
    public static Campaigns open(Path dataDir, Duration retention, CallService calls, DoNotCallList doNotCall,
                                 Clock clock, RandomGenerator random, int maxConcurrentCalls,
                                 UnaryOperator<StartCallRequest> prepare, CampaignListener listener) throws IOException {
        CallJournal.Loaded<Map<String, Object>> loaded = CampaignJournal.open(dataDir, clock, retention);
        return new Campaigns(calls, loaded.journal(), loaded.records(), doNotCall, clock, random, maxConcurrentCalls,
                prepare, listener);
    }

    /**
     * Reports to {@code metrics}: campaigns by status and the contacts of unfinished ones by state,
     * counted at each scrape (one pass under the lock), and each attempt's outcome as it is known.
     */
    public void reportTo(ServiceMetrics metrics) {
        attemptOutcomes = metrics.campaignAttempts;
        metrics.campaigns.sampledBy(sink -> {
            Map<CampaignStatus, Integer> byStatus = counted(CampaignStatus.class, (c, count) -> count.accept(c.status));
            for (CampaignStatus status : CampaignStatus.values()) {
                sink.set(byStatus.getOrDefault(status, 0), status.wireName());
            }
        });
        metrics.campaignContacts.sampledBy(sink -> {
            Map<ContactState, Integer> byState = counted(ContactState.class, (c, count) -> {
                if (!c.status.isFinal()) {
                    c.contacts.forEach(contact -> count.accept(contact.state));
                }
            });
            for (ContactState state : ContactState.values()) {
                sink.set(byState.getOrDefault(state, 0), state.wireName());
            }
        });
    }

    /** What {@code each} counts over every campaign, under the lock. */
    private <K extends Enum<K>> Map<K, Integer> counted(Class<K> keys, BiConsumer<Campaign, Consumer<K>> each) {
        Map<K, Integer> counts = new EnumMap<>(keys);
        lock.lock();
        try {
            for (Campaign c : campaigns.values()) {
                each.accept(c, key -> counts.merge(key, 1, Integer::sum));
            }
        } finally {
            lock.unlock();
        }
        return counts;
    }

    /** The most live calls one campaign may have: MAX_CONCURRENT_CALLS less a tenth (at least 1) for the API. */
    public int maxConcurrentLimit() {
        return maxConcurrentLimit;
    }

    public DoNotCallList doNotCall() {
        return doNotCall;
    }

    /** Starts the scheduler thread. */
    public void start() {
        lock.lock();
        try {
            if (closed || scheduler != null) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            scheduler = Thread.ofPlatform().daemon().name("campaign-scheduler").start(this::run);
        } finally {
            lock.unlock();
        }
    }

    // ---- the API's operations -----------------------------------------------------------------

    /**
     * Creates a running campaign; returns its status once it is on disk. {@code duplicates} is how many
     * input rows named a number already in {@code contacts} (merged into it by the API).
     */
    public Map<String, Object> create(String name, List<NewContact> contacts, int duplicates,
                                      CampaignSettings settings) throws CampaignException {
        if (contacts.isEmpty() || contacts.size() > MAX_CONTACTS) {
            throw new IllegalArgumentException("1 to " + MAX_CONTACTS + " contacts");
        }
        if (settings.maxConcurrent() > maxConcurrentLimit) {
            throw new IllegalArgumentException("max_concurrent over " + maxConcurrentLimit);
        }
        Instant now = clock.instant();
        List<Campaign.Contact> list = new ArrayList<>(contacts.size());
        for (NewContact c : contacts) {
            list.add(new Campaign.Contact(list.size(), c.line(), c.request()));
        }
        Campaign campaign = new Campaign("cmp_" + HexFormat.of().toHexDigits(random.nextLong()), name, now, settings,
                list, duplicates);
        // Not under the lock: nobody sees the campaign before it is on disk, and 100,000 lines take a while.
        long last = journal.appendSnapshot(campaign.snapshot(), false);
        for (Campaign.Contact c : list) {
            last = journal.appendSnapshot(campaign.snapshot(c), false);
        }
        if (last < 0 || !journal.awaitDurable(last)) {
            throw new CampaignException(CampaignException.Reason.STORAGE_UNAVAILABLE,
                    "the campaign journal cannot be written; nothing was created (see /health)");
        }
        lock.lock();
        try {
            campaign.waiting.addAll(list);
            campaigns.put(campaign.id, campaign);
            LOG.log(System.Logger.Level.INFO, "campaign=" + campaign.id + " created: " + list.size() + " contact(s), "
                    + duplicates + " duplicate(s) merged");
            poke();
            return campaign.status(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /** Every campaign's status, newest first. */
    public List<Map<String, Object>> list() {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<Map<String, Object>> out = new ArrayList<>();
            for (Campaign c : campaigns.values()) {
                Map<String, Object> status = c.status(now);
                status.remove("settings");
                out.addFirst(status);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    public Map<String, Object> status(String id) throws CampaignException {
        lock.lock();
        try {
            return campaign(id).status(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /** One row per contact, in input order. */
    public List<Map<String, Object>> results(String id) throws CampaignException {
        lock.lock();
        try {
            return campaign(id).contacts.stream().map(Campaign.Contact::result).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Stops dialing; live calls go on and their outcomes count. */
    public Map<String, Object> pause(String id) throws CampaignException {
        return change(id, CampaignStatus.RUNNING, CampaignStatus.PAUSED);
    }

    public Map<String, Object> resume(String id) throws CampaignException {
        return change(id, CampaignStatus.PAUSED, CampaignStatus.RUNNING);
    }

    /**
     * Cancels: nobody more is called; live calls go on (their outcomes are recorded) unless {@code hangup},
     * which hangs them up.
     */
    public Map<String, Object> cancel(String id, boolean hangup) throws CampaignException {
        List<String> live;
        lock.lock();
        try {
            Campaign c = campaign(id);
            if (c.status.isFinal()) {
                throw new CampaignException(CampaignException.Reason.INVALID_STATE,
                        "campaign " + id + " is " + c.status.wireName() + " already");
            }
            Instant now = clock.instant();
            setStatus(c, CampaignStatus.CANCELED, now);
            leaveWaiting(c, now);
            live = c.calling.values().stream().filter(callId -> !callId.isEmpty()).toList();
            LOG.log(System.Logger.Level.INFO, "campaign=" + id + " canceled" + (hangup ? ", hanging up "
                    + live.size() + " live call(s)" : ""));
        } finally {
            lock.unlock();
        }
        if (hangup) {
            for (String callId : live) {
                try {
                    calls.hangup(callId);
                } catch (CallException e) {
                    // ended meanwhile: its outcome is read as usual
                }
            }
        }
        lock.lock();
        try {
            poke();
            return campaign(id).status(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Object> change(String id, CampaignStatus from, CampaignStatus to) throws CampaignException {
        lock.lock();
        try {
            Campaign c = campaign(id);
            if (c.status != from) {
                throw new CampaignException(CampaignException.Reason.INVALID_STATE, "campaign " + id + " is "
                        + c.status.wireName() + "; only a " + from.wireName() + " campaign can be made " + to.wireName());
            }
            setStatus(c, to, clock.instant());
            poke();
            return c.status(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    private Campaign campaign(String id) throws CampaignException {
        Campaign c = campaigns.get(id);
        if (c == null) {
            throw new CampaignException(CampaignException.Reason.NOT_FOUND, "no campaign " + id);
        }
        return c;
    }

    // ---- the scheduler --------------------------------------------------------------------------

    private record LiveCall(Campaign campaign, Campaign.Contact contact, String callId) {
    }

    private record Dial(Campaign campaign, Campaign.Contact contact, String key, long journaled) {
    }

    /**
     * One round: reads the live calls' outcomes, then places the calls that are due. Returns how long
     * nothing is due. Tests call it with a fake clock instead of running the scheduler thread.
     */
    Duration tick() {
        List<LiveCall> live = new ArrayList<>();
        lock.lock();
        try {
            for (Campaign c : campaigns.values()) {
                c.calling.forEach((index, callId) -> {
                    if (!callId.isEmpty()) {
                        live.add(new LiveCall(c, c.contacts.get(index), callId));
                    }
                });
            }
        } finally {
            lock.unlock();
        }
        Map<LiveCall, Optional<CallRecord>> ended = new LinkedHashMap<>();
        for (LiveCall call : live) {
            Optional<CallRecord> record = calls.find(call.callId());
            if (record.isEmpty() || record.get().status().isFinal()) {
                ended.put(call, record);
            }
        }
        List<Dial> dials = new ArrayList<>();
        Duration wait;
        lock.lock();
        try {
            Instant now = clock.instant();
            ended.forEach((call, record) -> attemptEnded(call.campaign(), call.contact(), record, now));
            Instant next = now.plus(IDLE);
            for (Campaign c : campaigns.values()) {
                next = min(next, schedule(c, now, dials));
                finishIfDone(c, now);
            }
            wait = Duration.between(now, next);
        } finally {
            lock.unlock();
        }
        for (Dial dial : dials) {
            place(dial);
        }
        return dials.isEmpty() ? wait : Duration.ZERO;
    }

    /** Picks the campaign's due contacts within its limits; returns when it next needs a look. */
    private Instant schedule(Campaign c, Instant now, List<Dial> dials) {
        Instant next = c.calling.isEmpty() ? now.plus(IDLE) : now.plus(POLL);
        if (c.status != CampaignStatus.RUNNING) {
            return next;
        }
        if (c.settings.stopAt().filter(stop -> !now.isBefore(stop)).isPresent()) {
            leaveWaiting(c, now);
            return next;
        }
        next = c.settings.stopAt().map(stop -> min(stop, now.plus(IDLE))).orElse(next);
        if (!c.settings.window().isOpen(now)) {
            return min(next, c.settings.window().nextOpening(now));
        }
        Duration interval = Duration.ofNanos((long) (1e9 / c.settings.callsPerSecond()));
        while (c.calling.size() < c.settings.maxConcurrent() && !c.waiting.isEmpty()) {
            Campaign.Contact contact = c.waiting.peek();
            if (contact.dueAt().isAfter(now)) {
                return min(next, contact.dueAt());
            }
            if (c.nextDialAt.isAfter(now)) {
                return min(next, c.nextDialAt);
            }
            c.waiting.poll();
            if (doNotCall.contains(contact.request.phoneNumber())) {
                contact.lastOutcome = Optional.of(Outcome.DO_NOT_CALL);
                finish(c, contact, ContactState.DONE, now);
                continue;
            }
            Instant base = c.nextDialAt.isBefore(now.minusSeconds(1)) ? now.minusSeconds(1) : c.nextDialAt;
            c.nextDialAt = base.plus(interval);
            long journaled = -1;
            contact.state = ContactState.CALLING;
            contact.nextAttemptAt = Optional.empty();
            if (!contact.reissue) {
                contact.attempts++;
                journaled = journal.appendChanges(c.contactId(contact), contact.progress(), true);
            }
            c.calling.put(contact.index, "");
            dials.add(new Dial(c, contact, c.idempotencyKey(contact), journaled));
        }
        return next;
    }

    /** Outside the lock: waits for the attempt to be on disk, then places the call. */
    private void place(Dial dial) {
        Campaign c = dial.campaign();
        Campaign.Contact contact = dial.contact();
        if (dial.journaled() >= 0 && !journal.awaitDurable(dial.journaled())) {
            notPlaced(c, contact, "the campaign journal cannot be written");
            return;
        }
        try {
            CallService.Started started = calls.start(prepare.apply(contact.request), Optional.of(dial.key()));
            lock.lock();
            try {
                String callId = started.record().id();
                contact.reissue = false;
                if (!contact.callIds.contains(callId)) {
                    contact.callIds.add(callId);
                }
                if (c.calling.containsKey(contact.index)) {
                    c.calling.put(contact.index, callId);
                }
                journal.appendChanges(c.contactId(contact), contact.progress(), false);
            } finally {
                lock.unlock();
            }
        } catch (CallException e) {
            switch (e.reason()) {
                case TOO_MANY_CALLS, UNAVAILABLE, NOT_REGISTERED, STORAGE_UNAVAILABLE ->
                        notPlaced(c, contact, e.getMessage());
                default -> {
                    lock.lock();
                    try {
                        LOG.log(System.Logger.Level.WARNING, "campaign=" + c.id + " contact " + contact.line
                                + ": call refused (" + e.reason() + ": " + e.getMessage() + "), counted as failed");
                        contact.reissue = false;
                        contact.hangupCause = Optional.of(e.reason().name().toLowerCase(java.util.Locale.ROOT));
                        attemptOver(c, contact, Outcome.FAILED, clock.instant());
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }
    }

    /**
     * A start refused for now: the attempt did not happen, so it is undone and tried again shortly. The call
     * service looks the idempotency key up before it refuses anything, so a refusal also proves that an
     * attempt placed again after a restart had never been placed.
     */
    private void notPlaced(Campaign c, Campaign.Contact contact, String why) {
        lock.lock();
        try {
            Instant now = clock.instant();
            c.calling.remove(contact.index);
            contact.attempts--;
            contact.reissue = false;
            if (c.status.isFinal()) {
                finish(c, contact, ContactState.NOT_CALLED, now);
                return;
            }
            contact.state = contact.attempts == 0 ? ContactState.PENDING : ContactState.RETRY_WAIT;
            contact.nextAttemptAt = Optional.of(now.plus(REFUSED_RETRY));
            c.waiting.add(contact);
            journal.appendChanges(c.contactId(contact), contact.progress(), false);
            LOG.log(System.Logger.Level.DEBUG, () -> "campaign=" + c.id + " contact " + contact.line
                    + " not called now (" + why + "); again in " + REFUSED_RETRY.toSeconds() + " s");
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: a live call of the campaign ended (or is gone from the service). */
    private void attemptEnded(Campaign c, Campaign.Contact contact, Optional<CallRecord> record, Instant now) {
        if (record.isEmpty()) {
            contact.hangupCause = Optional.of("call_not_found");
            attemptOver(c, contact, Outcome.FAILED, now);
            return;
        }
        CallRecord r = record.get();
        contact.hangupCause = r.ending().map(e -> e.cause().wireName());
        contact.durationS = r.duration(now).toMillis() / 1000.0;
        contact.transcriptLines = r.transcript().size();
        // A call the service hung up as it stopped (SIGTERM) is a failed attempt, as one live at a crash is.
        boolean stopped = r.ending().filter(e -> e.cause() == EndCause.SHUTDOWN).isPresent();
        attemptOver(c, contact, stopped ? Outcome.FAILED : Outcome.of(r.status()).orElse(Outcome.FAILED), now);
    }

    private void attemptOver(Campaign c, Campaign.Contact contact, Outcome outcome, Instant now) {
        c.calling.remove(contact.index);
        Counter outcomes = attemptOutcomes;
        if (outcomes != null) {
            outcomes.labels(outcome.wireName()).inc();
        }
        contact.lastOutcome = Optional.of(outcome);
        Optional<Duration> retry = c.status.isFinal() ? Optional.empty()
                : c.settings.retry().retryAfter(outcome, contact.attempts);
        if (retry.isPresent()) {
            contact.state = ContactState.RETRY_WAIT;
            contact.nextAttemptAt = Optional.of(now.plus(retry.get()));
            c.waiting.add(contact);
            journal.appendChanges(c.contactId(contact), contact.progress(), false);
        } else {
            finish(c, contact, ContactState.DONE, now);
        }
    }

    private void finish(Campaign c, Campaign.Contact contact, ContactState state, Instant now) {
        contact.state = state;
        contact.nextAttemptAt = Optional.empty();
        contact.endedAt = Optional.of(now);
        journal.appendChanges(c.contactId(contact), contact.progress(), false);
    }

    /** Everyone still waiting will not be called: the campaign was canceled or reached its stop time. */
    private void leaveWaiting(Campaign c, Instant now) {
        while (!c.waiting.isEmpty()) {
            finish(c, c.waiting.poll(), ContactState.NOT_CALLED, now);
        }
    }

    /** Completes a campaign with nobody left to call, and announces a finished one once its calls ended. */
    private void finishIfDone(Campaign c, Instant now) {
        if (c.status == CampaignStatus.RUNNING && c.waiting.isEmpty() && c.calling.isEmpty()) {
            setStatus(c, CampaignStatus.COMPLETED, now);
            LOG.log(System.Logger.Level.INFO, "campaign=" + c.id + " completed");
        }
        if (c.status.isFinal() && !c.announced && c.calling.isEmpty()) {
            announce(c, now);
        }
    }

    /**
     * Queues {@code campaign.completed}, then journals that it did: a restart before that line is on disk
     * finds the flag false and queues it again (at least once, like every webhook).
     */
    private void announce(Campaign c, Instant now) {
        c.announced = true;
        listener.finished(c.status(now), c.settings.callbackUrl());
        journal.appendChanges(c.id, Map.of(CampaignJournal.COMPLETION_QUEUED, true), false);
    }

    private void setStatus(Campaign c, CampaignStatus status, Instant now) {
        c.status = status;
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("status", status.wireName());
        if (status.isFinal()) {
            c.endedAt = Optional.of(now);
            set.put("ended_at", now.toString());
            set.put(CampaignJournal.COMPLETION_QUEUED, false);
        }
        journal.appendChanges(c.id, set, false);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private void poke() {
        wakeUp = true;
        poked.signalAll();
    }

    private void run() {
        while (true) {
            Duration wait;
            try {
                wait = tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "campaign scheduler round failed", e);
                wait = IDLE;
            }
            lock.lock();
            try {
                long nanos = Math.min(wait.toNanos(), IDLE.toNanos());
                while (!closed && !wakeUp && nanos > 0) {
                    nanos = poked.awaitNanos(nanos);
                }
                wakeUp = false;
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- restart --------------------------------------------------------------------------------

    /**
     * Rebuilds the campaigns from their journal records (a campaign's line comes before its contacts').
     * A contact whose attempt was being placed or live is placed again with the same key (see above).
     */
    @SuppressWarnings("unchecked")
    private void restore(List<Map<String, Object>> records) {
        Map<String, List<Campaign.Contact>> contactsOf = new LinkedHashMap<>();
        Map<String, Map<String, Object>> definitions = new LinkedHashMap<>();
        for (Map<String, Object> r : records) {
            if (CampaignJournal.CAMPAIGN.equals(r.get("type"))) {
                definitions.put((String) r.get("id"), r);
                contactsOf.put((String) r.get("id"), new ArrayList<>());
            } else {
                List<Campaign.Contact> list = contactsOf.get((String) r.get("campaign"));
                if (list == null) {
                    continue; // its campaign left the journal (retention)
                }
                Campaign.Contact contact = new Campaign.Contact(((Number) r.get("index")).intValue(),
                        ((Number) r.get("line")).intValue(),
                        StartCallRequest.fromJson((Map<String, Object>) r.get("request")));
                contact.restore(r);
                list.add(contact);
            }
        }
        int resumed = 0;
        for (Map<String, Object> d : definitions.values()) {
            String id = (String) d.get("id");
            List<Campaign.Contact> list = contactsOf.get(id);
            list.sort(java.util.Comparator.comparingInt(c -> c.index));
            Campaign c = new Campaign(id, (String) d.get("name"), Instant.parse((String) d.get("created_at")),
                    CampaignSettings.fromJson((Map<String, Object>) d.get("settings")), list,
                    ((Number) d.get("duplicates")).intValue());
            c.status = CampaignStatus.fromWire((String) d.get("status")).orElse(CampaignStatus.CANCELED);
            c.endedAt = Optional.ofNullable((String) d.get("ended_at")).map(Instant::parse);
            c.announced = c.status.isFinal() && !Boolean.FALSE.equals(d.get(CampaignJournal.COMPLETION_QUEUED));
            if (c.status.isFinal() && !c.announced) {
                LOG.log(System.Logger.Level.INFO, "campaign=" + id + " is " + c.status.wireName()
                        + " but its campaign.completed was never queued; the first round queues it");
            }
            campaigns.put(id, c);
            Instant now = clock.instant();
            if (list.size() != ((Number) d.get("contacts")).intValue() && !c.status.isFinal()) {
                // Its creation was not all written (the disk failed): it was never reported as created.
                LOG.log(System.Logger.Level.WARNING, "campaign=" + id + " was not fully written; canceled");
                setStatus(c, CampaignStatus.CANCELED, now);
            }
            for (Campaign.Contact contact : list) {
                if (contact.state == ContactState.CALLING) {
                    contact.reissue = true;
                    contact.state = ContactState.RETRY_WAIT;
                }
                if (!contact.state.isFinal()) {
                    if (c.status.isFinal()) {
                        finish(c, contact, ContactState.NOT_CALLED, now);
                    } else {
                        c.waiting.add(contact);
                    }
                }
            }
            resumed += c.status.isFinal() ? 0 : 1;
        }
        if (resumed > 0) {
            LOG.log(System.Logger.Level.INFO, resumed + " campaign(s) resumed from " + CampaignJournal.FILE_NAME);
        }
    }

    /** Stops the scheduler (live calls are the call layer's to drain) and closes the journal. */
    @Override
    public void close() {
        Thread thread;
        lock.lock();
        try {
            closed = true;
            poked.signalAll();
            thread = scheduler;
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        journal.close();
    }
}
