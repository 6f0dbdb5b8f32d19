package io.voiceagent.call;

import java.time.Instant;
import java.util.Map;

/**
 * What one journal keeps: its file, how the folded fields of one id become a record and back, and when
 * a record ended long enough ago to leave the journal at compaction. The calls are {@link #CALLS}; other
 * packages keep their records (the campaigns, the webhooks' outbox) in files of their own written by the
 * same machinery
 * ({@link CallJournal}): the same two kinds of line ({@link JournalLines}), group commit, forced writes,
 * a torn tail cut off and unreadable lines set aside.
 *
 * <p>A record's fields must start with {@code "id"} and carry {@code "created_at"} (an ISO-8601 instant),
 * and {@code "ended_at"} once it has ended: the journal's quick scan reads those without parsing.
 */
public interface JournalKind<R> {

    /** The call records, in {@code calls.jsonl}. */
    JournalKind<CallRecord> CALLS = new JournalKind<>() {
        @Override
        public String fileName() {
            return CallJournal.FILE_NAME;
        }

        @Override
        public String writerThreadName() {
            return "call-journal";
        }

        @Override
        public CallRecord record(Map<String, Object> fields) {
            return CallRecord.fromJson(fields);
        }

        @Override
        public Map<String, Object> fields(CallRecord record) {
            return JournalLines.fields(record);
        }

        @Override
        public boolean endedBefore(CallRecord record, Instant cutoff) {
            return JournalLines.endedBefore(record, cutoff);
        }

        @Override
        public Instant createdAt(CallRecord record) {
            return record.createdAt();
        }
    };

    /** The file in DATA_DIR, e.g. {@code calls.jsonl}. */
    String fileName();

    /** The name of the journal's writer thread. */
    String writerThreadName();

    /** The record these folded fields make; throws a {@code RuntimeException} when they make none. */
    R record(Map<String, Object> fields);

    /** The record's fields as a snapshot line keeps them, {@code "id"} first. */
    Map<String, Object> fields(R record);

    /** True when the record ended before {@code cutoff}: retention drops it at compaction. */
    boolean endedBefore(R record, Instant cutoff);

    Instant createdAt(R record);
}
