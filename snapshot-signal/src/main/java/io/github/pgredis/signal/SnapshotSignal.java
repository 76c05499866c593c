package io.github.pgredis.signal;

import java.util.List;

/**
 * An incremental snapshot signal for Debezium's Kafka signal channel ({@code signal.enabled.channels} with
 * {@code kafka}). Debezium reads partition 0 of {@code signal.kafka.topic} and acts on a record whose key is its
 * {@code topic.prefix} and whose value is this JSON text; the id becomes the snapshot's correlation id, which its
 * notifications carry.
 */
public record SnapshotSignal(String id, List<String> dataCollections) {
    /** The start of the ids of the scheduler's signals. */
    public static final String RESYNC_ID_PREFIX = "resync:";
    /** The start of the ids of the signals the sink sends when a table's columns change. */
    public static final String SCHEMA_CHANGE_ID_PREFIX = "schema-change:";

    public SnapshotSignal {
        if (dataCollections.isEmpty()) {
            throw new IllegalArgumentException("a snapshot signal needs at least one data collection");
        }
        dataCollections = List.copyOf(dataCollections);
    }

    /**
     * Whether a snapshot with this id (its notifications carry it) re-reads whole tables, as the scheduler and the
     * sink ask: then the keys it did not write are gone from PostgreSQL. A signal sent by hand may filter rows
     * (additional-conditions), so its snapshot says nothing about the rows it did not read.
     */
    public static boolean readsWholeTables(String id) {
        return id != null && (id.startsWith(RESYNC_ID_PREFIX) || id.startsWith(SCHEMA_CHANGE_ID_PREFIX));
    }

    /**
     * The record value:
     * {@code {"id":..,"type":"execute-snapshot","data":{"data-collections":[..],"type":"INCREMENTAL"}}}.
     */
    public String json() {
        StringBuilder out = new StringBuilder(64 + 32 * dataCollections.size());
        out.append("{\"id\":");
        JsonText.appendString(out, id);
        out.append(",\"type\":\"execute-snapshot\",\"data\":{\"data-collections\":[");
        for (int i = 0; i < dataCollections.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsonText.appendString(out, dataCollections.get(i));
        }
        return out.append("],\"type\":\"INCREMENTAL\"}}").toString();
    }
}
