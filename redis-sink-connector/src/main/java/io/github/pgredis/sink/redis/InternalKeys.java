package io.github.pgredis.sink.redis;

import java.util.List;

/**
 * Names the keys that the sink and the cache client keep beside the rows, all under the internal prefix. A row's
 * version key and lease key always hash to the row key's Redis Cluster slot: a row key with a hash tag lends them
 * its tag (the prefix holds no brace), and any other row key becomes the tag.
 */
public final class InternalKeys {
    /** The width of a read-counter bucket. */
    public static final long READ_BUCKET_MS = 10_000;

    private final String prefix;

    public InternalKeys(String internalKeyPrefix) {
        this.prefix = internalKeyPrefix;
    }

    /** The row's version, or its version marker where the row is not stored. */
    public String version(String rowKey) {
        return sameSlot("v", rowKey);
    }

    /**
     * The field of a hash row that holds its version with version.storage=row (a hash row may hold it whatever the
     * setting, from when it was written with row): no column may be named so.
     */
    public String versionField() {
        return prefix + "v";
    }

    /** A reader's lease to fill the row. */
    public String lease(String rowKey) {
        return sameSlot("lease", rowKey);
    }

    /**
     * The starts of the names of every version key and every lease key of rows whose key starts with
     * {@code rowKeyPrefix}, in both of their forms: what a SCAN of a table's internal keys matches.
     */
    public List<String> versionAndLeasePrefixes(String rowKeyPrefix) {
        return List.of(prefix + "v{" + rowKeyPrefix, prefix + "v" + rowKeyPrefix, prefix + "lease{" + rowKeyPrefix,
                prefix + "lease" + rowKeyPrefix);
    }

    /** The row key whose version key this is, if that row key starts with {@code rowKeyPrefix}; else null. */
    public String rowKeyOfVersion(String versionKey, String rowKeyPrefix) {
        String versionPrefix = prefix + "v";
        if (!versionKey.startsWith(versionPrefix)) {
            return null;
        }
        String rest = versionKey.substring(versionPrefix.length());
        if (rest.length() > 1 && rest.charAt(0) == '{' && rest.charAt(rest.length() - 1) == '}') {
            String inner = rest.substring(1, rest.length() - 1);
            if (inner.startsWith(rowKeyPrefix) && version(inner).equals(versionKey)) {
                return inner;
            }
        }
        return rest.startsWith(rowKeyPrefix) && version(rest).equals(versionKey) ? rest : null;
    }

    /** The hits and misses of the table's reads in the bucket that starts at {@code bucketStartMs}. */
    public String readCounter(String table, long bucketStartMs) {
        return prefix + "reads:" + table + ":" + bucketStartMs / READ_BUCKET_MS;
    }

    /**
     * The table's change feed: a stream of the changes the sink applied to it. Each version.epoch has a stream of
     * its own, since a new epoch's source positions may start below the last one's.
     */
    public String feed(String table, int epoch) {
        return prefix + "feed:" + table + (epoch == 0 ? "" : ":epoch" + epoch);
    }

    /** What the sink's adaptive mode decided for the table, for operators to read. */
    public String adaptiveState(String table) {
        return prefix + "adaptive:" + table;
    }

    /** Per Debezium connector (its topic.prefix), the version at which its running incremental snapshot started. */
    public String snapshotStarts() {
        return prefix + "snapshot-starts";
    }

    /** The reconciliations the sink connector still owes, per table: snapshots that completed. */
    public String reconciliations(String connectorName) {
        return prefix + "reconcile:{" + connectorName + "}";
    }

    /** The version and shape (its columns) of the table's rows as the sink last saw them change. */
    public String tableShape(String table) {
        return prefix + "shape:" + table;
    }

    private String sameSlot(String kind, String rowKey) {
        if (hasHashTag(rowKey)) {
            return prefix + kind + rowKey;
        }
        return prefix + kind + "{" + rowKey + "}";
    }

    static boolean hasHashTag(String key) {
        int open = key.indexOf('{');
        if (open < 0) {
            return false;
        }
        int close = key.indexOf('}', open + 1);
        return close > open + 1;
    }
}
