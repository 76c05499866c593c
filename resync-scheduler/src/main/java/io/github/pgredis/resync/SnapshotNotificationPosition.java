package io.github.pgredis.resync;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

import io.github.pgredis.signal.NotificationHeaders;

/**
 * A transform for the Debezium PostgreSQL connector: adds to each of its notification records the source position at
 * which Debezium sent it (header {@value NotificationHeaders#COMMIT_LSN}, the {@code lsn_commit} of its offset). The
 * Redis sink needs it to reconcile a table after an incremental snapshot: every change streamed after a snapshot
 * started has a commit position at or above the one of its STARTED notification. Other records pass unchanged.
 */
public class SnapshotNotificationPosition<R extends ConnectRecord<R>> implements Transformation<R> {
    @Override
    public R apply(R record) {
        if (!(record instanceof SourceRecord source) || !isNotification(record.value())) {
            return record;
        }
        Map<String, ?> offset = source.sourceOffset();
        Object commitLsn = offset == null ? null : offset.get("lsn_commit");
        if (commitLsn == null) {
            return record;
        }
        Headers headers = record.headers().duplicate();
        headers.addString(NotificationHeaders.COMMIT_LSN, commitLsn.toString());
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.timestamp(), headers);
    }

    /** Debezium's notification value: a struct with id, aggregate_type, type and additional_data. */
    private static boolean isNotification(Object value) {
        if (!(value instanceof Struct struct)) {
            return false;
        }
        var schema = struct.schema();
        return schema.field("aggregate_type") != null && schema.field("type") != null
                && schema.field("additional_data") != null && schema.field("id") != null;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
