package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
                "INSERT INTO order_lines VALUES ('A:1', 1, 5), ('A:1', 2, 6), ('B', 1, 7)");
        connect.configureConnector("pg-source", postgres.debeziumConfig("pg", "public.every_type,public.order_lines"));
        connect.configureConnector("redis-sink", ConnectClusters.sinkConfig(redis.uri()));
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

        redis.commands().del("public.order_lines:2:A%3A1");
        redis.commands().hset("public.order_lines:Z:9", "qty", "1");
        redis.commands().hset("public.every_type:1", "label", "tampered");
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
                .contains("missing    public.order_lines:A%3A1:2")
                .contains("extra      public.order_lines:Z:9");
    }
}
