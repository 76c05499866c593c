package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.mapping.RenderedRow;
import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.redis.LuaScript;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.redis.InternalKeys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.SlotHash;

/** Sends row writes to Redis through the version-guarded script, pipelined, and checks every reply. */
public final class ChangeWriter {
    private static final int SCAN_PAGE = 500;
    /**
     * The most rows one call of apply-change.lua carries: a call pays Redis's fixed cost of a script call once for
     * all of them, and blocks Redis for about half a millisecond (64 rows of the benchmark's 10 columns).
     */
    public static final int ROWS_PER_CALL = 64;
    /** About the most characters of arguments one call carries, so that calls of large rows stay small. */
    static final long CALL_CHARS = 256 * 1024;

    private final ValueFormat format;
    private final VersionStorage versionStorage;
    private final InternalKeys internalKeys;
    private final String versionField;
    private final String retentionMs;
    private final long feedMaxLength;

    public ChangeWriter(ValueFormat format, VersionStorage versionStorage, InternalKeys internalKeys,
            long deleteMarkerRetentionMs, long feedMaxLength) {
        this.format = format;
        this.versionStorage = versionStorage;
        this.internalKeys = internalKeys;
        this.versionField = internalKeys.versionField();
        this.retentionMs = Long.toString(deleteMarkerRetentionMs);
        this.feedMaxLength = feedMaxLength;
    }

    /** Refuses (IllegalArgumentException) a hash row with a column named as the version field. */
    public void checkColumnNames(RenderedRow row) {
        if (format == ValueFormat.HASH && namesVersionField(row, versionField)) {
            throw new IllegalArgumentException("it has a column named " + versionField + ", the field in which a hash "
                    + "row keeps its version; rename the column with columns.rename");
        }
    }

    /** Whether the row has a column named as the version field, which a hash row may not have. */
    public static boolean namesVersionField(RenderedRow row, String versionField) {
        return row.values().containsKey(versionField) || row.kept().contains(versionField);
    }

    /**
     * Queues the writes on the session's pipeline, in calls of apply-change.lua of up to {@link #ROWS_PER_CALL} rows
     * and about {@link #CALL_CHARS} characters of arguments, in order; in a Cluster each call holds the writes of one
     * hash slot, in their order. The caller flushes and checks the replies.
     */
    public List<Call> send(RedisSession session, List<RowWrite> writes) {
        boolean bySlot = session.connection().isCluster();
        List<Call> calls = new ArrayList<>(writes.size() / ROWS_PER_CALL + 1);
        Map<Integer, CallBuilder> open = new LinkedHashMap<>();
        for (RowWrite write : writes) {
            int slot = bySlot ? SlotHash.getSlot(write.key()) : 0;
            CallBuilder call = open.computeIfAbsent(slot, any -> new CallBuilder());
            call.add(write);
            if (call.isFull()) {
                calls.add(call.send(session));
                open.remove(slot);
            }
        }
        for (CallBuilder call : open.values()) {
            calls.add(call.send(session));
        }
        return calls;
    }

    /** One call of apply-change.lua: the writes it carries, in order, and its reply (one result per write). */
    public record Call(List<RowWrite> writes, RedisFuture<List<Object>> reply) {
    }

    /** The keys and arguments of one call of apply-change.lua, as its writes are added. */
    private final class CallBuilder {
        private final List<RowWrite> writes = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private long chars;
        private boolean merges;

        CallBuilder() {
            args.add(retentionMs);
            args.add(versionField);
            args.add(versionStorage == VersionStorage.ROW ? "row" : "key");
        }

        void add(RowWrite write) {
            writes.add(write);
            keys.add(write.key());
            keys.add(internalKeys.version(write.key()));
            if (write.feed() != null) {
                keys.add(write.feed().stream());
            }
            int countAt = args.size();
            args.add(null);
            appendArguments(write, args);
            args.set(countAt, Integer.toString(args.size() - countAt - 1));
            for (int i = countAt + 1; i < args.size(); i++) {
                chars += args.get(i).length();
            }
            merges |= write.row() != null && !write.row().kept().isEmpty();
        }

        /**
         * Whether the call is done: full, or carrying a write that keeps columns Redis holds (unchanged TOAST),
         * whose cost in Redis is the stored row's size, which its arguments do not tell.
         */
        boolean isFull() {
            return writes.size() >= ROWS_PER_CALL || chars >= CALL_CHARS || merges;
        }

        Call send(RedisSession session) {
            return new Call(writes, session.commands().evalsha(LuaScript.APPLY_CHANGE.sha(), ScriptOutputType.MULTI,
                    keys.toArray(String[]::new), args.toArray(String[]::new)));
        }
    }

    /** What apply-change.lua did with a write, or why it failed ({@code result} is then meaningless). */
    record Reply(long result, RuntimeException failure) {
        /** The script's result: the version guard found the change or a newer one already applied. */
        static final long SKIPPED = 0;
        /** The script's result: the change was applied. */
        static final long APPLIED = 1;
        /** The script's result: the row was not stored, since its key was absent; a version marker was left. */
        static final long MARKED_ONLY = 2;
    }

    /**
     * Waits for the reply of a sent call until the deadline (System.currentTimeMillis()) and returns, per write and
     * in order, what the script did or why it refused the write; a call that failed as a whole fails every write.
     */
    static List<Reply> replies(Call call, long deadlineMs) {
        int count = call.writes().size();
        List<Reply> outcomes = new ArrayList<>(count);
        List<Object> results;
        try {
            results = RedisSession.awaitUntil(call.reply(), deadlineMs);
            if (results == null || results.size() != count) {
                throw new IllegalStateException("apply-change.lua answered " + (results == null ? "nothing"
                        : results.size() + " results") + " for " + count + " writes, starting with key '"
                        + call.writes().get(0).key() + "'");
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < count; i++) {
                outcomes.add(new Reply(Reply.SKIPPED, e));
            }
            return outcomes;
        }
        for (Object result : results) {
            outcomes.add(result instanceof Long done ? new Reply(done, null)
                    : new Reply(Reply.SKIPPED, new RedisCommandExecutionException(String.valueOf(result))));
        }
        return outcomes;
    }

    /** Appends a write's arguments of apply-change.lua (without their count). */
    private void appendArguments(RowWrite write, List<String> args) {
        int epoch = write.version().epoch();
        String position = ChangeVersion.encodePosition(epoch, write.offset());
        String version = write.version().encode();
        String feed = feedArgument(write);
        switch (write.kind()) {
            case DELETE -> args.addAll(List.of("delete", version, position, "", "0", feed, "0"));
            case TOMBSTONE -> args.addAll(List.of("tombstone", version, position, "", "0", feed, "0"));
            case UPSERT -> appendUpsertArguments(write, version, position, feed, args);
        }
    }

    /** apply-change.lua's change feed argument: content, stream entry ID, maximum length, operation; or empty. */
    private String feedArgument(RowWrite write) {
        RowWrite.FeedEntry feed = write.feed();
        if (feed == null) {
            return "";
        }
        return (feed.content() == FeedContent.ROW ? "row " : "key ") + streamId(write.version(), feed.operation())
                + " " + feedMaxLength + " " + feed.operation();
    }

    /**
     * A stream entry ID from a change's source position: the commit position, then twice the change's own, plus one
     * unless it is a delete. Debezium gives a primary key update two events at one position, the old key's delete
     * and then the new key's create (which a flattened record without __op shows as an update); every other change
     * has a position of its own.
     */
    static String streamId(ChangeVersion version, char operation) {
        return Long.toUnsignedString(version.major()) + "-"
                + Long.toUnsignedString(version.minor() * 2 + (operation == 'd' ? 0 : 1));
    }

    /**
     * Appends a truncate to the table's change feed, after its keys are gone. A truncate is not version-guarded, so a
     * replay appends it again: an ID the stream holds or trimmed away is one it has; one it is past without holding
     * is a gap (FEEDGAP), as in apply-change.lua.
     */
    public void appendTruncate(RedisSession session, String stream, ChangeVersion version) {
        String id = streamId(version, 't');
        XAddArgs args = new XAddArgs().id(id).maxlen(feedMaxLength).approximateTrimming();
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("op", "t");
        entry.put("version", version.encode());
        try {
            session.execute(session.commands().xadd(stream, args, entry));
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains("equal or smaller")) {
                throw e;
            }
            if (!streamHolds(session, stream, id)) {
                throw new RedisCommandExecutionException("FEEDGAP change feed " + stream + " is past the truncate "
                        + id + " but lacks it; rename or delete the stream to go on");
            }
        }
    }

    private static boolean streamHolds(RedisSession session, String stream, String id) {
        if (!session.execute(session.commands().xrange(stream, Range.create(id, id))).isEmpty()) {
            return true;
        }
        List<Object> info = session.execute(session.commands().xinfoStream(stream));
        Map<String, Object> fields = new HashMap<>();
        for (int i = 0; i + 1 < info.size(); i += 2) {
            fields.put(String.valueOf(info.get(i)), info.get(i + 1));
        }
        Object deleted = fields.get("max-deleted-entry-id");
        if (deleted != null) {
            return compareIds(id, String.valueOf(deleted)) <= 0;
        }
        Object first = fields.get("first-entry");
        return !(first instanceof List<?> entry) || entry.isEmpty()
                || compareIds(id, String.valueOf(entry.get(0))) < 0;
    }

    /** Stream IDs compared as pairs of unsigned 64-bit numbers. */
    static int compareIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(x[1]), Long.parseUnsignedLong(y[1]));
    }

    private void appendUpsertArguments(RowWrite write, String version, String position, String feed,
            List<String> args) {
        Map<String, String> values = write.row().values();
        List<String> kept = write.row().kept();
        boolean hash = format == ValueFormat.HASH;
        args.add(hash ? "hash" : "json");
        args.add(version);
        args.add(position);
        args.add(switch (write.mode()) {
            case UPDATE_IF_CACHED -> "cached";
            case UPSERT -> "upsert";
            case INVALIDATE, ADAPTIVE -> throw new IllegalStateException("a row write of key " + write.key()
                    + " in write mode " + write.mode());
        });
        args.add(Long.toString(write.ttlMs()));
        args.add(feed);
        args.add(Integer.toString(kept.size()));
        args.addAll(kept);
        if (hash) {
            for (Map.Entry<String, String> entry : values.entrySet()) {
                args.add(entry.getKey());
                args.add(entry.getValue());
            }
            if (versionStorage == VersionStorage.ROW && write.ttlMs() == 0 && !values.isEmpty()) {
                args.add(versionField);
                args.add(ChangeVersion.stored(version, position));
            }
        } else {
            args.add(write.row().toJsonDocument());
        }
    }

    /**
     * Removes every row of a table through the same versioned delete, one SCAN page at a time, so that a replayed
     * older change cannot bring a truncated row back: first the table's fill leases are dropped, so that no cache
     * client's fill in flight lands; then every row key that starts with the table prefix, and every row that has
     * only a version key (a marker, or a row that expired or a write mode left out). Keys of other types that match
     * the prefix belong to someone else and are left alone.
     */
    public void truncate(RedisSession session, String tablePrefix, ChangeVersion version, long offset) {
        List<String> internal = internalKeys.versionAndLeasePrefixes(tablePrefix);
        // leases first: a fill refused now cannot land behind the scans below (PostgreSQL committed the truncate
        // before Debezium saw it, so a lease taken from here on reads no row)
        for (String leasePrefix : internal.subList(2, 4)) {
            scan(session, leasePrefix, keys -> {
                if (!keys.isEmpty()) {
                    session.execute(session.commands().del(keys.toArray(String[]::new)));
                }
            });
        }
        scan(session, tablePrefix, keys -> deleteRows(session, keys, version, offset));
        for (String versionPrefix : internal.subList(0, 2)) {
            scan(session, versionPrefix, keys -> {
                List<String> rows = new ArrayList<>(keys.size());
                for (String key : keys) {
                    String row = internalKeys.rowKeyOfVersion(key, tablePrefix);
                    if (row != null) {
                        rows.add(row);
                    }
                }
                deleteRows(session, rows, version, offset);
            });
        }
    }

    /** One SCAN page of a reconciliation: the cursor to go on from (null when the scan is done) and what it removed. */
    public record ReconcilePage(String nextCursor, long removed) {
    }

    /**
     * Reconciles one SCAN page of a table's keys, from {@code cursor} ("0" to begin): removes each row whose version
     * is below {@code startedAt}, the encoded start of an incremental snapshot that has completed
     * (reconcile-row.lua). A change applied meanwhile has a version at or above the start, and each key's check and
     * removal are atomic in the script, so nothing a change wrote is removed.
     */
    public ReconcilePage reconcilePage(RedisSession session, String tablePrefix, String startedAt, String cursor) {
        KeyScanCursor<String> found = scanPage(session, tablePrefix, ScanCursor.of(cursor));
        List<RedisFuture<Long>> replies = new ArrayList<>(found.getKeys().size());
        for (String key : found.getKeys()) {
            replies.add(LuaScript.RECONCILE_ROW.call(session.commands(), new String[] {key, internalKeys.version(key)},
                    startedAt, retentionMs, versionField));
        }
        long removed = 0;
        for (long count : session.executeAll(replies)) {
            removed += count;
        }
        return new ReconcilePage(found.isFinished() ? null : found.getCursor(), removed);
    }

    private static void scan(RedisSession session, String keyPrefix, Consumer<List<String>> page) {
        session.connection().scan(keyPrefix, SCAN_PAGE, session.timeoutMs(), page);
    }

    /** One SCAN page of the keys that start with {@code keyPrefix}, from {@code cursor} (not in a Cluster). */
    private static KeyScanCursor<String> scanPage(RedisSession session, String keyPrefix, ScanCursor cursor) {
        return session.execute(RedisConnection.scanPage(session.masters().get(0), keyPrefix, cursor, SCAN_PAGE));
    }

    private void deleteRows(RedisSession session, List<String> keys, ChangeVersion version, long offset) {
        List<RowWrite> deletes = new ArrayList<>(keys.size());
        for (String key : keys) {
            deletes.add(RowWrite.truncated(key, version, offset));
        }
        List<Call> calls = send(session, deletes);
        session.flush();
        long deadlineMs = System.currentTimeMillis() + session.timeoutMs();
        for (Call call : calls) {
            for (Reply reply : replies(call, deadlineMs)) {
                if (reply.failure() != null && RedisFailure.classify(reply.failure()) != RedisFailure.RECORD) {
                    throw reply.failure();
                }
            }
        }
    }
}
