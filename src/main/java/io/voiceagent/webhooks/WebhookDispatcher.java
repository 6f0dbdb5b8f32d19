package io.voiceagent.webhooks;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallRecord;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.Counter;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.transfer.TransferOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Turns saved call records into {@code call.ringing}, {@code call.answered}, {@code call.transfer}
 * (each time a transfer attempt to a person has an outcome) and {@code call.ended} events and
 * delivers them, signed, to the call's {@code callback_url} or else CALLBACK_URL: at
 * least once, in order per call (an event waits until the one before it is delivered or given
 * up), retried with {@link Backoff} on timeouts, connection failures, 408, 429 and 5xx.
 *
 * <p>{@link #onSaved} runs on the thread that saved the record (under the live call's lock) and
 * only queues: it queues the event's line in the {@link WebhookOutbox}, whose writer forces it to disk
 * with the next group commit, and wakes the delivery loop; it never waits for the disk. The loop
 * ({@link #start}, one virtual thread) starts the due attempts, each on a virtual thread of its own,
 * which first waits until its event's line is on disk, so an event is never sent before a restart
 * would find it; a slow receiver or disk holds up only its own call's events. Lock order:
 * LiveCall.lock, this class's lock, the outbox's lock, the outbox journal's queue lock. No lock is
 * held during an HTTP request or while waiting for the disk.
 */
public final class WebhookDispatcher implements DeliveryLog, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebhookDispatcher.class.getName());
    /** Calls whose delivery log is kept in memory for the API, oldest leaving first. */
    static final int CALLS_LOGGED = 10_000;
    private static final Duration IDLE_WAKE = Duration.ofMinutes(1);

    /** How one attempt ended, for the metric's {@code result} label. */
    enum Result {
        DELIVERED("delivered"), RETRY("retry"), REJECTED("rejected"), EXPIRED("expired");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private final Optional<URI> defaultUrl;
    private final Optional<Secret> secret;
    private final WebhookOutbox outbox;
    private final WebhookSender sender;
    private final Backoff backoff;
    private final Clock clock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Undelivered events per call, oldest first; the head is the only one attempted. */
    private final Map<String, ArrayDeque<Delivery>> queues = new LinkedHashMap<>();
    private final Set<String> inFlight = new java.util.HashSet<>();
    /**
     * The ids of the events already made for each recent call, so that each is made once (one per type,
     * and one per transfer attempt): ended calls stay, as their record is still saved after the end
     * (late provider events, final media figures).
     */
    private final Map<String, Set<String>> made = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > CALLS_LOGGED;
        }
    };
    private final LinkedHashMap<String, List<Delivery>> log = new LinkedHashMap<>();
    private final EnumMap<Result, Counter.Child> counts = new EnumMap<>(Result.class);
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("webhook-", 0).factory());
    private final Instant startedAt;
    private Thread loop;
    private boolean closed;

    /** @param metrics where attempts are counted by result, and the pending events' gauge is bound */
    public WebhookDispatcher(Optional<URI> defaultUrl, Optional<Secret> secret, WebhookOutbox outbox,
                             WebhookSender sender, Backoff backoff, Clock clock, RandomGenerator random,
                             ServiceMetrics metrics) {
        this.defaultUrl = Objects.requireNonNull(defaultUrl, "defaultUrl");
        this.secret = Objects.requireNonNull(secret, "secret").filter(s -> !s.isEmpty());
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.startedAt = clock.instant();
        for (Result r : Result.values()) {
            counts.put(r, metrics.webhookDeliveries.labels(r.label()));
        }
        metrics.webhookPending.sampledBy(sink -> sink.set(pending()));
        for (Delivery restored : outbox.pending()) {
            queues.computeIfAbsent(restored.callId(), id -> new ArrayDeque<>()).addLast(restored);
            logged(restored);
        }
    }

    /** Starts the delivery loop. */
    public void start() {
        lock.lock();
        try {
            if (loop != null || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            loop = Thread.ofVirtual().name("webhook-loop").start(this::runLoop);
        } finally {
            lock.unlock();
        }
    }

    /** The save listener: makes the events this save reveals, in the order the call went through them. */
    public void onSaved(CallRecord record) {
        Optional<URI> url = record.request().callbackUrl().or(() -> defaultUrl);
        if (url.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return; // after the drain: nothing of a call is left to report
            }
            if (!made.containsKey(record.id()) && record.endedAt().filter(startedAt::isAfter).isPresent()) {
                return; // ended before this run (saved again for a late provider event): its events were made then
            }
            Set<String> done = made.computeIfAbsent(record.id(), id -> new java.util.HashSet<>());
            List<EventType> now = new ArrayList<>();
            if (record.ringingAt().isPresent()) {
                now.add(EventType.RINGING);
            }
            if (record.answeredAt().isPresent()) {
                now.add(EventType.ANSWERED);
            }
            if (record.transfer().filter(t -> t.outcome() != TransferOutcome.RINGING).isPresent()) {
                now.add(EventType.TRANSFER);
            }
            if (record.status().isFinal()) {
                now.add(EventType.ENDED);
            }
            for (EventType type : now) {
                String eventId = eventId(record, type);
                if (done.add(eventId)) {
                    enqueue(Delivery.created(eventId, record.id(), type, url.get(), body(record, type, eventId),
                            clock.instant()));
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code campaign.completed}: a campaign is over (completed, or canceled and its last call ended), sent to
     * its own {@code callback_url} or else CALLBACK_URL with its final status as {@code data}. Queued only,
     * as a call's events are (the campaigns' lock is held).
     */
    public void campaignFinished(Map<String, Object> campaign, Optional<URI> callbackUrl) {
        Optional<URI> url = callbackUrl.or(() -> defaultUrl);
        String id = (String) campaign.get("id");
        if (url.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Object> event = new LinkedHashMap<>();
        String eventId = Delivery.eventId(id, EventType.CAMPAIGN_COMPLETED);
        event.put("id", eventId);
        event.put("type", EventType.CAMPAIGN_COMPLETED.wireName());
        event.put("created_at", now.toString());
        event.put("campaign_id", id);
        event.put("data", campaign);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            enqueue(Delivery.created(eventId, id, EventType.CAMPAIGN_COMPLETED, url.get(), JSON.std.asString(event),
                    now));
            changed.signalAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a call may name its own {@code callback_url}: only when deliveries can be signed. */
    @Override
    public boolean acceptsCallbackUrls() {
        return secret.isPresent();
    }

    @Override
    public List<Map<String, Object>> deliveries(String callId) {
        lock.lock();
        try {
            return log.getOrDefault(callId, List.of()).stream().map(Delivery::toJson).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Events not delivered yet (nor given up), for the gauge. */
    private int pending() {
        lock.lock();
        try {
            return queues.values().stream().mapToInt(ArrayDeque::size).sum();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts an attempt for every call whose oldest undelivered event is due and not being sent;
     * returns them, so that a test with a fake clock can wait for each. The loop calls it too.
     */
    public List<Future<?>> deliverDue() {
        List<Delivery> due = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.instant();
            for (ArrayDeque<Delivery> queue : queues.values()) {
                Delivery head = queue.peekFirst();
                if (!inFlight.contains(head.callId()) && !head.nextAttemptAt().isAfter(now)) {
                    inFlight.add(head.callId());
                    due.add(head);
                }
            }
        } finally {
            lock.unlock();
        }
        List<Future<?>> started = new ArrayList<>();
        for (Delivery delivery : due) {
            started.add(attempts.submit(() -> attempt(delivery)));
        }
        return started;
    }

    private void attempt(Delivery delivery) {
        try {
            if (!outbox.awaitDurable(delivery)) {
                LOG.log(System.Logger.Level.WARNING, "call=" + delivery.callId() + " webhook " + delivery.type()
                        .wireName() + " sent before it is on disk (the outbox cannot be written; it is kept in"
                        + " memory until it can): lost if the service stops first");
            }
        } catch (InterruptedException e) {
            // closing: the event is written by the outbox's close and sent after the restart
            Thread.currentThread().interrupt();
            release(delivery);
            return;
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        Instant at = clock.instant();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "voiceagent-webhooks");
        headers.put("Voiceagent-Event-Id", delivery.id());
        secret.ifPresent(s -> headers.put(WebhookSignature.HEADER, WebhookSignature.header(
                s.reveal().getBytes(StandardCharsets.UTF_8), at.getEpochSecond(), body)));
        String status;
        boolean retryable;
        boolean ok = false;
        try {
            int code = sender.post(delivery.url(), headers, body);
            status = Integer.toString(code);
            ok = code >= 200 && code < 300;
            retryable = code == 408 || code == 429 || code >= 500;
        } catch (HttpTimeoutException e) {
            status = "timeout";
            retryable = true;
        } catch (ConnectException e) {
            status = "connect_failed";
            retryable = true;
        } catch (IOException e) {
            status = "io_error";
            retryable = true;
        } catch (InterruptedException e) {
            // closing: the event stays pending in the outbox and is sent after the restart
            Thread.currentThread().interrupt();
            release(delivery);
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "call=" + delivery.callId() + " webhook " + delivery.id()
                    + " could not be sent: " + e);
            status = "io_error";
            retryable = true;
        }
        finish(delivery, status, ok, retryable, at);
    }

    private void finish(Delivery delivery, String status, boolean ok, boolean retryable, Instant at) {
        Instant now = clock.instant();
        Optional<Instant> next = ok || !retryable ? Optional.empty()
                : backoff.next(delivery.createdAt(), delivery.attempts() + 1, now, random);
        DeliveryState state = ok ? DeliveryState.DELIVERED : !retryable ? DeliveryState.REJECTED
                : next.isPresent() ? DeliveryState.PENDING : DeliveryState.EXPIRED;
        Delivery after = delivery.attempted(status, at, state, next.orElse(now));
        Result result = switch (state) {
            case DELIVERED -> Result.DELIVERED;
            case REJECTED -> Result.REJECTED;
            case EXPIRED -> Result.EXPIRED;
            case PENDING -> Result.RETRY;
        };
        if (state == DeliveryState.REJECTED || state == DeliveryState.EXPIRED) {
            LOG.log(System.Logger.Level.WARNING, "call=" + delivery.callId() + " webhook " + delivery.type()
                    .wireName() + " given up after " + after.attempts() + " attempt(s), last status " + status);
        }
        counts.get(result).inc();
        lock.lock();
        try {
            ArrayDeque<Delivery> queue = queues.get(delivery.callId());
            queue.pollFirst();
            if (state == DeliveryState.PENDING) {
                queue.addFirst(after);
            } else if (queue.isEmpty()) {
                queues.remove(delivery.callId());
            }
            logged(after);
            inFlight.remove(delivery.callId());
            changed.signalAll();
            if (state == DeliveryState.PENDING) {
                outbox.attempted(after);
            } else {
                outbox.ended(after);
            }
        } finally {
            lock.unlock();
        }
    }

    private void release(Delivery delivery) {
        lock.lock();
        try {
            inFlight.remove(delivery.callId());
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Delivery delivery) {
        outbox.added(delivery); // queued only: the attempt waits for the disk, not the saving thread
        queues.computeIfAbsent(delivery.callId(), id -> new ArrayDeque<>()).addLast(delivery);
        logged(delivery);
    }

    /** Replaces (or adds) the delivery's line in its call's log. Called with the lock held. */
    private void logged(Delivery delivery) {
        List<Delivery> entries = log.computeIfAbsent(delivery.callId(), id -> new ArrayList<>());
        entries.removeIf(d -> d.id().equals(delivery.id()));
        entries.add(delivery);
        entries.sort(java.util.Comparator.comparing(Delivery::type));
        if (log.size() > CALLS_LOGGED) {
            Iterator<String> oldest = log.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void runLoop() {
        while (true) {
            deliverDue();
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                Duration wait = IDLE_WAKE;
                Instant now = clock.instant();
                for (ArrayDeque<Delivery> queue : queues.values()) {
                    Delivery head = queue.peekFirst();
                    if (!inFlight.contains(head.callId())) {
                        Duration until = Duration.between(now, head.nextAttemptAt());
                        wait = until.compareTo(wait) < 0 ? until : wait;
                    }
                }
                if (!wait.isNegative() && !wait.isZero()) {
                    changed.awaitNanos(wait.toNanos());
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A call event's id: one per call and type, but {@code call.transfer} is made for each attempt, so its
     * id names the attempt: a repeated save of one attempt's outcome makes no second event, a new attempt does.
     */
    private static String eventId(CallRecord record, EventType type) {
        return type == EventType.TRANSFER
                ? Delivery.eventId(record.id(), type, record.transfer().orElseThrow().attempt())
                : Delivery.eventId(record.id(), type);
    }

    /** The JSON body: the event's id, type and time, and the call's whole record (transcript included). */
    private String body(CallRecord record, EventType type, String eventId) {
        Instant now = clock.instant();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("type", type.wireName());
        event.put("created_at", now.toString());
        event.put("call_id", record.id());
        event.put("data", record.toJson(record.endedAt().orElse(now)));
        try {
            return JSON.std.asString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the loop and abandons attempts in flight; what is pending stays in the outbox. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        attempts.shutdownNow();
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
