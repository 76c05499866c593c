package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.Pipeline;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;

/**
 * The verifier against what the real pipeline wrote: it must find PostgreSQL and Redis equal for every column type
 * Debezium maps by default, and report exactly the drift made by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsistencyVerifierIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final Pipeline pipeline = Pipeline.start("verifier");
    private final PostgresServer postgres = pipeline.postgres();
    private final RedisServer redis = pipeline.redis();
    private final EmbeddedConnectCluster connect = pipeline.connect();

    @BeforeAll
    void start() {
        postgres.execute("CREATE TABLE every_type (id bigint PRIMARY KEY, small int2, big int8, real_value float4, "
                        + "double_value float8, flag bool, exact numeric(20,5), loose numeric, day date, "
                        + "clock time, local_ts timestamp, zoned_ts timestamptz, doc jsonb, plain_json json, "
                        + "uid uuid, bytes bytea, ints int[], texts text[], label varchar(20), padded char(4))",
                "CREATE TABLE order_lines (order_id text, line int, qty int, PRIMARY KEY (order_id, line))",
                "INSERT INTO every_type VALUES (1, 7, 9007199254740993, 1.5, 0.1, true, 12345.67800, 3.14159, "
                        + "'2024-02-29', '10:20:30.5', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05+02', "
                        + "'{\"b\": [1, 2], \"a\": null}', '{\"x\" : 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
                        + "'\\xdeadbeef', '{1,NULL,3}', '{\"a b\",\"c:d\"}', 'label', 'ab')",
                "INSERT INTO every_type (id) VALUES (2)",
                "INSERT INTO order_lines VALUES ('A:1', 1, 5), ('A:1', 2, 6), ('B', 1, 7)",
                // types outside the verifier's reading (it would call them different), checked by the oracle only;
                // no NaN or Infinity: Kafka's JsonConverter writes them as strings and reads them back as 0
                "CREATE SCHEMA oracle", "CREATE TYPE oracle.mood AS ENUM ('calm', 'loud')",
                "CREATE TABLE oracle.more_types (id int PRIMARY KEY, span interval, addr inet, net cidr, "
                        + "mac macaddr, cash money, page xml, feeling oracle.mood, "
                        + "smalls int2[], whole_ts timestamp, short_tz timestamptz, huge numeric(30,0), "
                        + "uids uuid[], noon time)",
                "INSERT INTO oracle.more_types VALUES (1, '1 minute 30.5 seconds', '192.168.0.1/24', '10.0.0.0/8', "
                        + "'08:00:2b:01:02:03', 12.34, '<a b=\"c\">d</a>', 'loud', '{1,-2}', "
                        + "'2024-01-02 03:04:05', '2024-01-02 03:04:05.12+00', 100000000000000000000, "
                        + "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '12:00:00')");
        connect.configureConnector("pg-source", postgres.debeziumConfig("pg",
                "public.every_type,public.order_lines,oracle.more_types"));
        Map<String, String> sink = ConnectClusters.sinkConfig(redis.uri());
        sink.put("topics.regex", "pg\\.(public|oracle)\\..*");
        connect.configureConnector("redis-sink", sink);
        postgres.execute("UPDATE every_type SET label = 'updated', loose = -0.5 WHERE id = 1",
                "DELETE FROM order_lines WHERE order_id = 'B'");
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    private List<ConsistencyVerifier.TableReport> verify() throws Exception {
        return ConsistencyVerifier.check(postgres.jdbcUrl(), "postgres", "postgres",
                new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, redis.uri())), "pg", List.of());
    }

    /**
     * An oracle that shares no code with the sink: the text of every column as PostgreSQL itself writes it (its
     * output functions and JSON functions), in the documented form, against what Redis holds. The verifier renders
     * with the sink's own rules, so a rendering bug would be invisible to it.
     */
    private void assertEveryColumnIsPostgresqlsOwnText() throws Exception {
        assertRowsAsPostgresqlWritesThem("public.every_type", String.join(", ",
                "id::text AS id", "small::text AS small", "big::text AS big", "real_value::text AS real_value",
                "double_value::text AS double_value", "flag::text AS flag", "exact::text AS exact",
                "loose::text AS loose", "day::text AS day", "clock::text AS clock",
                "replace(local_ts::text, ' ', 'T') AS local_ts",
                "replace((zoned_ts AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z' AS zoned_ts",
                "doc::text AS doc", "plain_json::text AS plain_json", "uid::text AS uid",
                "encode(bytes, 'base64') AS bytes", "array_to_json(ints)::text AS ints",
                "array_to_json(texts)::text AS texts", "label::text AS label", "CASE WHEN padded IS NOT NULL THEN concat(padded) END AS padded"), 2);
        ConnectClusters.await(WAIT, "the oracle table in Redis",
                () -> redis.commands().exists("oracle.more_types:1") == 1);
        assertRowsAsPostgresqlWritesThem("oracle.more_types", String.join(", ",
                "id::text AS id", "span::text AS span", "addr::text AS addr", "net::text AS net",
                "mac::text AS mac", "cash::numeric::text AS cash", "page::text AS page",
                "feeling::text AS feeling",
                "array_to_json(smalls)::text AS smalls", "replace(whole_ts::text, ' ', 'T') AS whole_ts",
                "replace((short_tz AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z' AS short_tz",
                "huge::text AS huge", "array_to_json(uids)::text AS uids", "noon::text AS noon"), 1);
    }

    /** Every row of the table as the SELECT of PostgreSQL expressions writes it, against the row's Redis hash. */
    private void assertRowsAsPostgresqlWritesThem(String table, String columns, int rowCount) throws Exception {
        try (Connection pg = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                Statement statement = pg.createStatement()) {
            statement.execute("SET intervalstyle = 'iso_8601'");
            try (ResultSet rows = statement.executeQuery("SELECT " + columns + " FROM " + table + " ORDER BY id")) {
                int seen = 0;
                while (rows.next()) {
                    Map<String, String> expected = new TreeMap<>();
                    for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                        if (rows.getString(i) != null) {
                            expected.put(rows.getMetaData().getColumnLabel(i), rows.getString(i));
                        }
                    }
                    assertThat(new TreeMap<>(redis.commands().hgetall(table + ":" + expected.get("id"))))
                            .as("%s row %s as PostgreSQL writes it", table, expected.get("id")).isEqualTo(expected);
                    seen++;
                }
                assertThat(seen).isEqualTo(rowCount);
            }
        }
    }

    @Test
    void findsNoDriftInWhatThePipelineWroteThenReportsExactlyTheDriftMadeByHand() throws Exception {
        ConnectClusters.await(WAIT, "Redis in sync with every column type", () -> {
            try {
                return verify().stream().allMatch(ConsistencyVerifier.TableReport::inSync)
                        && redis.commands().exists("public.every_type:1") == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(verify()).extracting(ConsistencyVerifier.TableReport::rows).containsExactly(2L, 2L);
        assertEveryColumnIsPostgresqlsOwnText();

        redis.commands().del("public.order_lines:2:A%3A1");
        redis.commands().hset("public.order_lines:Z:9", "qty", "1");
        redis.commands().hset("public.every_type:1", "label", "tampered");
        // where version.storage=row keeps a row's version: not a column, so no drift
        redis.commands().hset("public.every_type:2", "__pgr:v", "0".repeat(53));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
        try {
            exit = VerifierMain.run(new String[] {"--pg", postgres.jdbcUrl(), "--pg-password", "postgres",
                "--set", "redis.uri=" + redis.uri()});
        } finally {
            System.setOut(original);
        }
        String report = output.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(report).isEqualTo(1);
        assertThat(report).contains("public.every_type: 2 rows — DRIFT: 0 missing, 0 extra, 1 different")
                .contains("different  public.every_type:1  columns: label")
                .contains("public.order_lines: 2 rows — DRIFT: 1 missing, 1 extra, 0 different")
                .contains("missing    public.order_lines:2:A%3A1")
                .contains("extra      public.order_lines:Z:9");

        List<ConsistencyVerifier.TableReport> asCache = ConsistencyVerifier.check(postgres.jdbcUrl(), "postgres",
                "postgres", new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, redis.uri(),
                        "table.public.order_lines.write.mode", "invalidate")), "pg", List.of());
        assertThat(asCache).filteredOn(table -> table.table().equals("public.order_lines")).singleElement()
                .satisfies(table -> {
                    assertThat(table.missing()).as("a cache lacks rows without drift").isEmpty();
                    assertThat(table.extra()).containsExactly("public.order_lines:Z:9");
                });
    }
}
