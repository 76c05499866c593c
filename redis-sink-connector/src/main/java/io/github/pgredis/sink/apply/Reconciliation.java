package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.signal.NotificationHeaders;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.kafka.KafkaAccess;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisSession;

/**
 * Removes the keys of rows that no longer exist, after Debezium's incremental snapshot of their table, from
 * Debezium's notifications (notification.enabled.channels=sink):
 * <ul>
 * <li>STARTED: the snapshot's start, the commit position that the SnapshotNotificationPosition transform adds,
 * is kept in Redis per Debezium connector. Every change streamed after it, and every row the snapshot reads, has a
 * version at or above it.</li>
 * <li>TABLE_SCAN_COMPLETED: the table owes a reconciliation, kept in Redis so that a restart still makes it. It waits
 * until the sink has applied the table's topic up to its end offsets, read after the notification: Debezium wrote
 * the snapshot's rows before it. Then every key of the table whose version is below the start is removed
 * ({@link ChangeWriter#reconcile}).</li>
 * </ul>
 */
public final class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
    private static final String INCREMENTAL_SNAPSHOT = "Incremental Snapshot";
    private static final long CHECK_INTERVAL_MS = 1_000;

    private final String notificationTopic;
    private final int epoch;
    private final InternalKeys internalKeys;
    private final String pendingKey;
    private final OffsetStore offsetStore;
    private final KafkaAccess kafka;
    private final BiFunction<String, String, TableSettings> tables;
    private final ChangeWriter writer;
    private final LongSupplier clock;
    private Map<String, Owed> owed;
    private long nextCheckMs;

    /** A reconciliation a table is owed: its snapshot's start, its topic and, once read, the topic's end offsets. */
    record Owed(String startedAt, String topic, Map<Integer, Long> endOffsets) {
        String encode() {
            StringBuilder text = new StringBuilder(startedAt).append(' ').append(topic);
            if (endOffsets != null) {
                text.append(' ');
                endOffsets.forEach((partition, offset) -> text.append(partition).append('=').append(offset)
                        .append(','));
            }
            return text.toString();
        }

        static Owed decode(String text) {
            String[] parts = text.split(" ");
            Map<Integer, Long> ends = null;
            if (parts.length > 2) {
                ends = new LinkedHashMap<>();
                for (String entry : parts[2].split(",")) {
                    if (!entry.isEmpty()) {
                        int equals = entry.indexOf('=');
                        ends.put(Integer.parseInt(entry.substring(0, equals)),
                                Long.parseLong(entry.substring(equals + 1)));
                    }
                }
            }
            return new Owed(parts[0], parts[1], ends);
        }
    }

    public Reconciliation(String notificationTopic, int epoch, InternalKeys internalKeys, String connectorName,
            OffsetStore offsetStore, KafkaAccess kafka, BiFunction<String, String, TableSettings> tables,
            ChangeWriter writer, LongSupplier clock) {
        this.notificationTopic = notificationTopic;
        this.epoch = epoch;
        this.internalKeys = internalKeys;
        this.pendingKey = internalKeys.reconciliations(connectorName);
        this.offsetStore = offsetStore;
        this.kafka = kafka;
        this.tables = tables;
        this.writer = writer;
        this.clock = clock;
    }

    /** Whether the record is one of Debezium's notifications rather than a change. */
    public boolean isNotification(SinkRecord record) {
        return notificationTopic.equals(record.topic());
    }

    /** Acts on an incremental snapshot's STARTED and TABLE_SCAN_COMPLETED; other notifications pass. */
    public void notification(RedisSession session, SinkRecord record) {
        if (!INCREMENTAL_SNAPSHOT.equals(text(field(record.value(), "aggregate_type")))) {
            return;
        }
        String type = text(field(record.value(), "type"));
        Object data = field(record.value(), "additional_data");
        String connector = text(field(data, "connector_name"));
        if (connector == null) {
            throw new RecordException(ChangeEvent.describe(record) + " is an incremental snapshot notification "
                    + "without additional_data.connector_name");
        }
        if ("STARTED".equals(type)) {
            started(session, record, connector);
        } else if ("TABLE_SCAN_COMPLETED".equals(type)) {
            scanCompleted(session, record, connector, text(field(data, "scanned_collection")),
                    text(field(data, "status")));
        }
    }

    private void started(RedisSession session, SinkRecord record, String connector) {
        Header position = record.headers().lastWithName(NotificationHeaders.COMMIT_LSN);
        if (position == null || position.value() == null) {
            log.warn("Debezium '{}' started an incremental snapshot, but its notification {} carries no {} header: "
                    + "add the SnapshotNotificationPosition transform of the resync-scheduler plugin to the Debezium "
                    + "connector, or the tables of this snapshot are not reconciled", connector,
                    ChangeEvent.describe(record), NotificationHeaders.COMMIT_LSN);
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
        session.execute(session.commands().hset(internalKeys.snapshotStarts(), connector, startedAt));
        log.info("Debezium '{}' started an incremental snapshot at commit position {}", connector, commitLsn);
    }

    private void scanCompleted(RedisSession session, SinkRecord record, String connector, String table,
            String status) {
        if (table == null || table.indexOf('.') <= 0) {
            throw new RecordException(ChangeEvent.describe(record) + " names no scanned_collection schema.table");
        }
        if (!"SUCCEEDED".equals(status) && !"EMPTY".equals(status)) {
            log.warn("Not reconciling {}: Debezium '{}' ended its scan with status {}", table, connector, status);
            return;
        }
        String startedAt = session.execute(session.commands().hget(internalKeys.snapshotStarts(), connector));
        if (startedAt == null) {
            log.warn("Not reconciling {}: the sink has not seen where Debezium '{}' started the snapshot (a STARTED "
                    + "notification with the SnapshotNotificationPosition transform's header)", table, connector);
            return;
        }
        Owed due = new Owed(startedAt, connector + "." + table, null);
        session.execute(session.commands().hset(pendingKey, table, due.encode()));
        owed(session).put(table, due);
        log.info("Debezium '{}' completed the incremental snapshot of {}: reconciling it once the sink has applied "
                + "topic {} up to its end", connector, table, due.topic());
    }

    /** Makes the reconciliations that are due, at most once a second. */
    public void runDue(RedisSession session) {
        long now = clock.getAsLong();
        if (now < nextCheckMs) {
            return;
        }
        nextCheckMs = now + CHECK_INTERVAL_MS;
        if (owed(session).isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> applied = offsetStore.read(session);
        for (Map.Entry<String, Owed> entry : new ArrayList<>(owed.entrySet())) {
            String table = entry.getKey();
            Owed due = entry.getValue();
            if (due.endOffsets() == null) {
                try {
                    due = new Owed(due.startedAt(), due.topic(), kafka.endOffsets(due.topic()));
                } catch (RuntimeException e) {
                    log.warn("Reconciliation of {} waits: {}", table, e.getMessage());
                    continue;
                }
                session.execute(session.commands().hset(pendingKey, table, due.encode()));
                owed.put(table, due);
            }
            if (caughtUp(due, applied)) {
                reconcile(session, table, due);
            }
        }
    }

    private static boolean caughtUp(Owed due, Map<TopicPartition, Long> applied) {
        for (Map.Entry<Integer, Long> end : due.endOffsets().entrySet()) {
            if (applied.getOrDefault(new TopicPartition(due.topic(), end.getKey()), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void reconcile(RedisSession session, String table, Owed due) {
        int dot = table.indexOf('.');
        String schemaName = table.substring(0, dot);
        String tableName = table.substring(dot + 1);
        String prefix = tables.apply(schemaName, tableName).keyTemplate()
                .tablePrefix(ChangeEvent.ofTable(due.topic(), schemaName, tableName));
        if (prefix == null) {
            log.warn("Not reconciling {}: its key template has no table-specific text before the key", table);
        } else {
            long removed = writer.reconcile(session, prefix, due.startedAt());
            log.info("Reconciled {} after its incremental snapshot: removed {} keys under '{}' that neither the "
                    + "snapshot nor a change since its start wrote", table, removed, prefix);
        }
        session.execute(session.commands().hdel(pendingKey, table));
        owed.remove(table);
    }

    /** The reconciliations owed, read from Redis on first use: those a task before this one did not finish. */
    private Map<String, Owed> owed(RedisSession session) {
        if (owed == null) {
            owed = new LinkedHashMap<>();
            session.execute(session.commands().hgetall(pendingKey))
                    .forEach((table, text) -> owed.put(table, Owed.decode(text)));
        }
        return owed;
    }

    private static Object field(Object value, String name) {
        if (value instanceof Struct struct) {
            return struct.schema().field(name) == null ? null : struct.get(name);
        }
        return value instanceof Map<?, ?> map ? map.get(name) : null;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
