package io.voiceagent.campaigns;

import io.voiceagent.call.CallJournal;
import io.voiceagent.call.JournalKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The campaigns' journal, {@code DATA_DIR/campaigns.jsonl}, written by the call journal's machinery
 * ({@link CallJournal}: group commit, forced writes, torn tail cut off, unreadable lines set aside,
 * compaction, mode 0600). A campaign's first line is its whole definition; each contact has its own
 * first line (its request and progress) and a change line for every step: an attempt is journaled,
 * and forced to disk, before its call is placed; a final campaign's {@link #COMPLETION_QUEUED} says whether
 * its {@code campaign.completed} was queued. Records are kept as the folded JSON fields.
 */
final class CampaignJournal {
    static final String FILE_NAME = "campaigns.jsonl";
    static final String CAMPAIGN = "campaign";
    static final String CONTACT = "contact";
    /**
     * A campaign's field: false from the change that made it final until {@code campaign.completed} was handed
     * to the listener, then true. Absent in journals written before it, whose campaigns were all announced.
     */
    static final String COMPLETION_QUEUED = "completion_queued";

    static final JournalKind<Map<String, Object>> KIND = new JournalKind<>() {
        @Override
        public String fileName() {
            return FILE_NAME;
        }

        @Override
        public String writerThreadName() {
            return "campaign-journal";
        }

        @Override
        public Map<String, Object> record(Map<String, Object> fields) {
            Object type = fields.get("type");
            if (!CAMPAIGN.equals(type) && !CONTACT.equals(type)) {
                throw new IllegalArgumentException("neither a campaign nor a contact");
            }
            Instant.parse((String) fields.get("created_at"));
            return fields;
        }

        @Override
        public Map<String, Object> fields(Map<String, Object> record) {
            return record;
        }

        @Override
        public boolean endedBefore(Map<String, Object> record, Instant cutoff) {
            return record.get("ended_at") instanceof String ended && Instant.parse(ended).isBefore(cutoff);
        }

        @Override
        public Instant createdAt(Map<String, Object> record) {
            return Instant.parse((String) record.get("created_at"));
        }
    };

    private CampaignJournal() {
    }

    /** Opens the journal with every campaign and contact it holds: campaigns are few, and all are shown. */
    static CallJournal.Loaded<Map<String, Object>> open(Path dataDir, Clock clock, Duration retention)
            throws IOException {
        return CallJournal.open(dataDir, clock, new CallJournal.Settings(retention,
                CallJournal.Settings.DEFAULT_RETRY_INTERVAL, Integer.MAX_VALUE), KIND);
    }
}
