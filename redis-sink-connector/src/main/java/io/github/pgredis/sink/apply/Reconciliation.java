package io.github.pgredis.sink.apply;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.signal.NotificationHeaders;
import io.github.pgredis.signal.SnapshotSignal;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.event.FieldAccess;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisSession;

/**
 * Removes the keys of rows that no longer exist, after Debezium's incremental snapshot of their table, from
 * Debezium's notifications (notification.enabled.channels=sink). Only snapshots that read whole tables count: those
 * the scheduler and the sink ask for ({@link SnapshotSignal#readsWholeTables}).
 * <ul>
 * <li>STARTED: the snapshot's start, the commit position that the SnapshotNotificationPosition transform adds, is
 * kept in Redis per Debezium connector and snapshot id, and as the connector's running snapshot (a signal that joins a
 * running snapshot gives its later notifications its own id). Every change streamed after it, and every row the
 * snapshot reads, has a version at or above it.</li>
 * <li>TABLE_SCAN_COMPLETED of that snapshot: the table's topic owes a reconciliation, kept in Redis so that a
 * restart still makes it. After a grace period from the notification, for Kafka batches of the snapshot's rows still
 * in flight, the topic's end offsets are read; once the sink has applied the topic up to them, every key of the table
 * whose version is below the start is removed ({@link ChangeWriter#reconcilePage}), a short slice once a second.</li>
 * </ul>
 * Only the task that holds partition 0 of the notification topic does this, so reconciliations are made once. A
 * failure here is logged and tried again later: it never holds up the changes.
 */
public final class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
    private static final String INCREMENTAL_SNAPSHOT = "Incremental Snapshot";
    private static final long CHECK_INTERVAL_MS = 1_000;
    /** How long after its notification a reconciliation reads the end offsets of its topic. */
    static final long GRACE_MS = 5_000;
    private static final long RETRY_MS = 30_000;
    /** The most a check spends scanning, once a second, so that a large table does not hold up the batches. */
    private static final long SLICE_MS = 100;
    /** How long a reconciliation may wait for the sink to apply its topic before a WARN says so. */
    private static final long PATIENCE_MS = 10 * 60_000;

    private final String notificationTopic;
    private final int epoch;
    private final InternalKeys internalKeys;
    private final String owedKey;
    private final OffsetStore offsetStore;
    private final Function<String, Map<Integer, Long>> endOffsets;
    private final BiFunction<String, String, TableSettings> tables;
    private final ChangeWriter writer;
    private final LongSupplier clock;
    private boolean owner;
    private long nextCheckMs;
    /** Per topic, the scan of a reconciliation under way: the owed entry it is for, its cursor, what it removed. */
    private final Map<String, Scan> scans = new HashMap<>();
    private final Set<String> warnedWaiting = new HashSet<>();

    private record Scan(String stored, String cursor, long removed) {
    }

    /**
     * A reconciliation a table topic is owed: its snapshot's start, the time before which its end offsets are not
     * read, those offsets once read (null before; none for a topic that does not exist), and the table. Kept as
     * {@code <start> <not before ms> <partition=offset,...|-|none> <schema.table>}: the table comes last, as it may
     * hold spaces.
     */
    record Owed(String startedAt, long notBeforeMs, Map<Integer, Long> endOffsets, String table) {
        String encode() {
            StringBuilder text = new StringBuilder(startedAt).append(' ').append(notBeforeMs).append(' ');
            if (endOffsets == null) {
                text.append('-');
            } else if (endOffsets.isEmpty()) {
                text.append("none");
            } else {
                endOffsets.forEach((partition, offset) -> text.append(partition).append('=').append(offset)
                        .append(','));
                text.setLength(text.length() - 1);
            }
            return text.append(' ').append(table).toString();
        }

        static Owed decode(String text) {
            String[] parts = text.split(" ", 4);
            if (parts.length != 4 || parts[0].length() != ChangeVersion.ENCODED_LENGTH || parts[3].indexOf('.') <= 0) {
                throw new IllegalArgumentException("not an owed reconciliation: '" + text + "'");
            }
            Map<Integer, Long> ends = null;
            if (!parts[2].equals("-")) {
                ends = new LinkedHashMap<>();
                if (!parts[2].equals("none")) {
                    for (String entry : parts[2].split(",")) {
                        int equals = entry.indexOf('=');
                        ends.put(Integer.parseInt(entry.substring(0, equals)),
                                Long.parseLong(entry.substring(equals + 1)));
                    }
                }
            }
            return new Owed(parts[0], Long.parseLong(parts[1]), ends, parts[3]);
        }
    }

    /** {@code endOffsets}: the next offset to be written per partition of a topic, none for no topic. */
    public Reconciliation(String notificationTopic, int epoch, InternalKeys internalKeys, String connectorName,
            OffsetStore offsetStore, Function<String, Map<Integer, Long>> endOffsets,
            BiFunction<String, String, TableSettings> tables, ChangeWriter writer, LongSupplier clock) {
        this.notificationTopic = notificationTopic;
        this.epoch = epoch;
        this.internalKeys = internalKeys;
        this.owedKey = internalKeys.reconciliations(connectorName);
        this.offsetStore = offsetStore;
        this.endOffsets = endOffsets;
        this.tables = tables;
        this.writer = writer;
        this.clock = clock;
    }

    /** Whether the record is one of Debezium's notifications rather than a change. */
    public boolean isNotification(SinkRecord record) {
        return notificationTopic.equals(record.topic());
    }

    /** The task's partitions: it makes the reconciliations while it holds partition 0 of the notification topic. */
    public void assigned(Collection<TopicPartition> partitions) {
        boolean holds = partitions.contains(new TopicPartition(notificationTopic, 0));
        if (holds != owner) {
            owner = holds;
            scans.clear();
            nextCheckMs = 0;
        }
    }

    /** Acts on the STARTED, TABLE_SCAN_COMPLETED and end of an incremental snapshot; other notifications pass. */
    public void notification(RedisSession session, SinkRecord record) {
        FieldAccess notification = FieldAccess.of(record.value());
        if (notification == null || !INCREMENTAL_SNAPSHOT.equals(text(notification.get("aggregate_type")))) {
            return;
        }
        String id = text(notification.get("id"));
        if (!SnapshotSignal.readsWholeTables(id)) {
            log.debug("Not reconciling after snapshot {}: it was not asked for by the scheduler or the sink", id);
            return;
        }
        String type = text(notification.get("type"));
        FieldAccess data = FieldAccess.of(notification.get("additional_data"));
        String connector = data == null ? null : text(data.get("connector_name"));
        if (connector == null) {
            throw new RecordException(ChangeEvent.describe(record) + " is an incremental snapshot notification "
                    + "without additional_data.connector_name");
        }
        String snapshot = connector + " " + id;
        switch (type == null ? "" : type) {
            case "STARTED" -> started(session, record, connector, snapshot);
            case "TABLE_SCAN_COMPLETED" -> scanCompleted(session, record, snapshot, connector,
                    text(data.get("scanned_collection")), text(data.get("status")));
            case "COMPLETED", "ABORTED" -> ended(session, connector);
            default -> {
            }
        }
    }

    /** The connector's snapshot ended: its starts go, those of the signals that joined it too. */
    private void ended(RedisSession session, String connector) {
        String key = internalKeys.snapshotStarts();
        List<String> starts = session.execute(session.commands().hkeys(key)).stream()
                .filter(field -> field.equals(connector) || field.startsWith(connector + " ")).toList();
        if (!starts.isEmpty()) {
            session.execute(session.commands().hdel(key, starts.toArray(String[]::new)));
        }
    }

    private void started(RedisSession session, SinkRecord record, String connector, String snapshot) {
        Header position = record.headers().lastWithName(NotificationHeaders.COMMIT_LSN);
        if (position == null || position.value() == null) {
            log.warn("Snapshot {} started, but its notification {} carries no {} header: add the "
                    + "SnapshotNotificationPosition transform of the resync-scheduler plugin to the Debezium "
                    + "connector, or its tables are not reconciled", snapshot, ChangeEvent.describe(record),
                    NotificationHeaders.COMMIT_LSN);
            return;
        }
        long commitLsn;
        try {
            commitLsn = Long.parseLong(position.value().toString());
        } catch (NumberFormatException e) {
            throw new RecordException(ChangeEvent.describe(record) + " has header " + NotificationHeaders.COMMIT_LSN
                    + " '" + position.value() + "', not an LSN", e);
        }
        String startedAt = ChangeVersion.ofSourcePosition(epoch, commitLsn, 0).encode();
        session.execute(session.commands().hset(internalKeys.snapshotStarts(),
                Map.of(snapshot, startedAt, connector, startedAt)));
        log.info("Snapshot {} started at commit position {}", snapshot, commitLsn);
    }

    private void scanCompleted(RedisSession session, SinkRecord record, String snapshot, String connector,
            String table, String status) {
        if (table == null || table.indexOf('.') <= 0) {
            throw new RecordException(ChangeEvent.describe(record) + " names no scanned_collection schema.table");
        }
        if (!"SUCCEEDED".equals(status) && !"EMPTY".equals(status)) {
            log.warn("Not reconciling {}: snapshot {} ended its scan with status {}", table, snapshot, status);
            return;
        }
        String startedAt = session.execute(session.commands().hget(internalKeys.snapshotStarts(), snapshot));
        if (startedAt == null) {
            // a signal that joined the connector's running snapshot: that snapshot's start, the earlier one
            startedAt = session.execute(session.commands().hget(internalKeys.snapshotStarts(), connector));
        }
        if (startedAt == null) {
            log.warn("Not reconciling {}: the sink has not seen where snapshot {} started (its STARTED notification, "
                    + "with the SnapshotNotificationPosition transform's header)", table, snapshot);
            return;
        }
        String topic = DebeziumTopics.of(connector, table);
        Owed due = new Owed(startedAt, clock.getAsLong() + GRACE_MS, null, table);
        session.execute(session.commands().hset(owedKey, topic, due.encode()));
        nextCheckMs = 0;
        log.info("Snapshot {} completed its scan of {}: reconciling it once the sink has applied topic {} up to its "
                + "end", snapshot, table, topic);
    }

    /**
     * Makes what is due of the reconciliations owed, once a second: reads end offsets, checks the sink has applied
     * them, and scans a slice. A failure is logged and the check waits {@value #RETRY_MS} ms.
     */
    public void runDue(RedisSession session) {
        long now = clock.getAsLong();
        if (!owner || now < nextCheckMs) {
            return;
        }
        nextCheckMs = now + CHECK_INTERVAL_MS;
        try {
            check(session, now);
        } catch (RuntimeException e) {
            nextCheckMs = now + RETRY_MS;
            log.warn("Reconciliation waits {} s: {}", RETRY_MS / 1000, e.getMessage());
        }
    }

    private void check(RedisSession session, long now) {
        Map<String, String> owed = session.execute(session.commands().hgetall(owedKey));
        scans.keySet().retainAll(owed.keySet());
        if (owed.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> applied = offsetStore.read(session);
        long sliceEnd = now + SLICE_MS;
        for (Map.Entry<String, String> entry : owed.entrySet()) {
            String topic = entry.getKey();
            String stored = entry.getValue();
            Owed due;
            try {
                due = Owed.decode(stored);
            } catch (RuntimeException e) {
                log.warn("Dropping an owed reconciliation of topic {} that cannot be read: {}", topic, e.getMessage());
                session.execute(session.commands().hdel(owedKey, topic));
                continue;
            }
            if (due.endOffsets() == null) {
                if (now < due.notBeforeMs()) {
                    continue;
                }
                due = withEndOffsets(session, topic, stored, due);
                if (due == null) {
                    continue;
                }
                stored = due.encode();
            }
            if (caughtUp(topic, due, applied)) {
                reconcile(session, topic, stored, due, sliceEnd);
            } else if (now > due.notBeforeMs() + PATIENCE_MS && warnedWaiting.add(stored)) {
                log.warn("Reconciliation of {} has waited {} minutes for the sink to apply topic {} up to {}: is the "
                        + "topic in topics, or does it end with a transaction marker (Debezium with exactly-once "
                        + "delivery)?", due.table(), PATIENCE_MS / 60_000, topic, due.endOffsets());
            }
            if (clock.getAsLong() >= sliceEnd) {
                return;
            }
        }
    }

    /** The owed reconciliation with its topic's end offsets read, or null when there is nothing to reconcile. */
    private Owed withEndOffsets(RedisSession session, String topic, String stored, Owed due) {
        Map<Integer, Long> ends = endOffsets.apply(topic);
        if (ends.isEmpty()) {
            log.warn("Not reconciling {}: topic {} does not exist (Debezium names a table's topic "
                    + "<topic.prefix>.<schema>.<table>; another naming or routing is not supported)", due.table(),
                    topic);
            replace(session, topic, stored, null);
            return null;
        }
        Owed read = new Owed(due.startedAt(), due.notBeforeMs(), ends, due.table());
        return replace(session, topic, stored, read) ? read : null;
    }

    private static boolean caughtUp(String topic, Owed due, Map<TopicPartition, Long> applied) {
        for (Map.Entry<Integer, Long> end : due.endOffsets().entrySet()) {
            if (applied.getOrDefault(new TopicPartition(topic, end.getKey()), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void reconcile(RedisSession session, String topic, String stored, Owed due, long sliceEnd) {
        String table = due.table();
        int dot = table.indexOf('.');
        String schemaName = table.substring(0, dot);
        String tableName = table.substring(dot + 1);
        String prefix = tables.apply(schemaName, tableName).keyTemplate()
                .tablePrefix(ChangeEvent.ofTable(topic, schemaName, tableName));
        if (prefix == null) {
            log.warn("Not reconciling {}: its key template has no table-specific text before the key", table);
            finish(session, topic, stored);
            return;
        }
        Scan scan = scans.get(topic);
        if (scan == null || !scan.stored().equals(stored)) {
            scan = new Scan(stored, "0", 0);
        }
        while (scan.cursor() != null && clock.getAsLong() < sliceEnd) {
            ChangeWriter.ReconcilePage page = writer.reconcilePage(session, prefix, due.startedAt(), scan.cursor());
            scan = new Scan(stored, page.nextCursor(), scan.removed() + page.removed());
        }
        if (scan.cursor() != null) {
            scans.put(topic, scan);
            return;
        }
        finish(session, topic, stored);
        log.info("Reconciled {} after its incremental snapshot: removed {} keys under '{}' that neither the snapshot "
                + "nor a change since its start wrote", table, scan.removed(), prefix);
    }

    /** Ends an owed reconciliation, unless a newer one of the topic replaced it meanwhile. */
    private void finish(RedisSession session, String topic, String stored) {
        scans.remove(topic);
        replace(session, topic, stored, null);
    }

    /**
     * Sets (or, for null, removes) the owed reconciliation of a topic if Redis still holds {@code stored}; false when
     * a newer one replaced it meanwhile. Only the owner task writes these entries, one call at a time.
     */
    private boolean replace(RedisSession session, String topic, String stored, Owed next) {
        String now = session.execute(session.commands().hget(owedKey, topic));
        if (!stored.equals(now)) {
            scans.remove(topic);
            return false;
        }
        if (next == null) {
            session.execute(session.commands().hdel(owedKey, topic));
        } else {
            session.execute(session.commands().hset(owedKey, topic, next.encode()));
        }
        return true;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
