package io.github.pgredis.verify;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.cache.PostgresRows;
import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.apply.TableSettings;
import io.github.pgredis.sink.apply.WriteMode;
import io.github.pgredis.sink.mapping.KeyTemplate;
import io.github.pgredis.sink.mapping.RenderedRow;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.redis.InternalKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Compares PostgreSQL tables with the Redis keys the sink keeps for them, under the sink's own key and rendering
 * rules: every row must have its key with exactly its rendered value, and no other key may carry the table's prefix.
 */
public final class ConsistencyVerifier {
    private static final int PIPELINE = 1_000;
    private static final long REPLY_TIMEOUT_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What differs for one table; empty lists mean Redis equals the table, or, for a table Redis caches (a write
     * mode other than upsert, or a time to live), that every row Redis holds is equal.
     */
    public record TableReport(String table, long rows, List<String> missing, List<String> extra,
            Map<String, List<String>> different, boolean cached) {
        public boolean inSync() {
            return missing.isEmpty() && extra.isEmpty() && different.isEmpty();
        }
    }

    private final RedisSinkConfig sink;
    private final ChangeEventDecoder decoder;
    private final RowRenderer renderer;
    /** The field in which a hash row keeps its version (version.storage=row): not a column. */
    private final String versionField;

    private ConsistencyVerifier(RedisSinkConfig sink) {
        this.sink = sink;
        this.versionField = new InternalKeys(sink.internalKeyPrefix()).versionField();
        this.decoder = new ChangeEventDecoder(sink.versionEpoch(), sink.versionField(),
                sink.flattenedMetadataPrefix());
        this.renderer = new RowRenderer(sink.valueFormat(), sink.toastPlaceholder());
    }

    /** Connects to PostgreSQL and to Redis (with the sink's own connection settings) and checks the tables. */
    public static List<TableReport> check(String jdbcUrl, String pgUser, String pgPassword, RedisSinkConfig sink,
            String topicPrefix, List<String> tables) throws SQLException {
        try (Connection postgres = DriverManager.getConnection(jdbcUrl, pgUser, pgPassword);
                RedisConnection redis = RedisConnection.open(sink.redisSettings())) {
            return new ConsistencyVerifier(sink).verify(postgres, redis, topicPrefix, tables);
        }
    }

    private List<TableReport> verify(Connection postgres, RedisConnection redis,
            String topicPrefix, List<String> tableNames) throws SQLException {
        TableReader reader = new TableReader(postgres, topicPrefix);
        List<TableReport> reports = new ArrayList<>();
        for (PostgresRows.Table table : reader.tables(tableNames)) {
            reports.add(verifyTable(reader, table, redis));
        }
        return reports;
    }

    private TableReport verifyTable(TableReader reader, PostgresRows.Table table,
            RedisConnection redis) throws SQLException {
        TableSettings settings = sink.table(table.schema(), table.name());
        KeyTemplate template = settings.keyTemplate();
        Map<String, RenderedRow> expected = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        Map<String, List<String>> different = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        long[] rows = {0};
        var rowSchema = reader.read(table, record -> {
            ChangeEvent event = decoder.decode(record);
            expected.put(template.render(event), settings.columns().apply(renderer.render(event)));
            rows[0]++;
            if (expected.size() >= PIPELINE) {
                compare(expected, redis.commands(), missing, different, seen);
            }
        });
        compare(expected, redis.commands(), missing, different, seen);
        String prefix = template.tablePrefix(decoder.decode(reader.emptyRecord(table, rowSchema)));
        List<String> extra = prefix == null ? List.of() : extraKeys(prefix, seen, redis);
        boolean replica = settings.writeMode() == WriteMode.UPSERT && settings.ttlMs() == 0;
        // a cache holds only some rows: what it holds must be right, what it lacks is no drift
        return new TableReport(table.toString(), rows[0], replica ? missing : List.of(), extra, different, !replica);
    }

    /** Checks a page of expected rows against Redis (pipelined) and forgets them, remembering their keys. */
    private void compare(Map<String, RenderedRow> expected, RedisClusterAsyncCommands<String, String> redis,
            List<String> missing, Map<String, List<String>> different, Set<String> seen) {
        Map<String, RedisFuture<?>> replies = new LinkedHashMap<>();
        for (String key : expected.keySet()) {
            replies.put(key, sink.valueFormat() == ValueFormat.HASH ? redis.hgetall(key) : redis.get(key));
        }
        for (Map.Entry<String, RenderedRow> entry : expected.entrySet()) {
            Object actual = await(replies.get(entry.getKey()));
            if (actual == null || (actual instanceof Map<?, ?> map && map.isEmpty())) {
                missing.add(entry.getKey());
            } else {
                List<String> fields = differences(entry.getValue(), actual);
                if (!fields.isEmpty()) {
                    different.put(entry.getKey(), fields);
                }
            }
            seen.add(entry.getKey());
        }
        expected.clear();
    }

    /** The columns whose Redis value differs from the rendered row; unchanged-TOAST columns are not expected. */
    private List<String> differences(RenderedRow row, Object actual) {
        List<String> fields = new ArrayList<>();
        if (actual instanceof Map<?, ?> hash) {
            Set<String> names = new TreeSet<>(row.values().keySet());
            hash.keySet().stream().map(Object::toString).filter(name -> !name.equals(versionField))
                    .forEach(names::add);
            for (String name : names) {
                if (!java.util.Objects.equals(row.values().get(name), hash.get(name))) {
                    fields.add(name);
                }
            }
        } else if (actual instanceof String document) {
            try {
                JsonNode want = JSON.readTree(row.toJsonDocument());
                JsonNode have = JSON.readTree(document);
                Set<String> names = new TreeSet<>();
                want.fieldNames().forEachRemaining(names::add);
                have.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    if (!java.util.Objects.equals(want.get(name), have.get(name))) {
                        fields.add(name);
                    }
                }
            } catch (java.io.IOException e) {
                fields.add("(not JSON: " + e.getMessage() + ")");
            }
        }
        return fields;
    }

    /** Keys with the table's prefix that no row of the table accounts for. */
    private static List<String> extraKeys(String prefix, Set<String> seen, RedisConnection redis) {
        List<String> extra = new ArrayList<>();
        redis.scan(prefix, PIPELINE, REPLY_TIMEOUT_MS, page -> page.stream().filter(key -> !seen.contains(key))
                .forEach(extra::add));
        extra.sort(null);
        return extra;
    }

    private static <T> T await(RedisFuture<T> future) {
        try {
            return future.get(REPLY_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Redis did not answer: " + e.getMessage(), e);
        }
    }

    /** Prints the reports; returns true when every table is in sync. */
    public static boolean print(List<TableReport> reports, PrintStream out) {
        boolean inSync = true;
        for (TableReport report : reports) {
            if (report.inSync()) {
                out.printf(report.cached() ? "%s: %d rows, those cached in Redis equal — OK%n"
                        : "%s: %d rows, all in Redis and equal — OK%n", report.table(), report.rows());
                continue;
            }
            inSync = false;
            out.printf("%s: %d rows — DRIFT: %d missing, %d extra, %d different%n", report.table(), report.rows(),
                    report.missing().size(), report.extra().size(), report.different().size());
            report.missing().forEach(key -> out.println("  missing    " + key));
            report.extra().forEach(key -> out.println("  extra      " + key));
            report.different().forEach((key, fields) -> out.println("  different  " + key + "  columns: "
                    + String.join(", ", fields)));
        }
        return inSync;
    }
}
