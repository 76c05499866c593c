package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.Pipeline;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;

/** PostgreSQL restarted while changes stream: Debezium resumes from its slot and Redis converges to the table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRestartIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private final Pipeline pipeline = Pipeline.start("pg-restart");
    private final PostgresServer postgres = pipeline.postgres();
    private final RedisServer redis = pipeline.redis();
    private final EmbeddedConnectCluster connect = pipeline.connect();

    @AfterAll
    void stop() {
        pipeline.close();
    }

    private boolean inSync() {
        try {
            return ConsistencyVerifier.check(postgres.jdbcUrl(),
                    "postgres", "postgres", new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, redis.uri())), "pg",
                    List.of("counters")).stream().allMatch(ConsistencyVerifier.TableReport::inSync);
        } catch (Exception notReachableYet) {
            return false;
        }
    }

    @Test
    void debeziumResumesFromItsSlotAfterARestartAndRedisConverges() {
        postgres.execute("CREATE TABLE counters (id int PRIMARY KEY, hits bigint NOT NULL, note text)",
                "INSERT INTO counters SELECT g, 0, 'start' FROM generate_series(1, 300) g");
        Map<String, String> source = postgres.debeziumConfig("pg", "public.counters");
        source.put("retriable.restart.connector.wait.ms", "1000");
        connect.configureConnector("pg-source", source);
        connect.configureConnector("redis-sink", ConnectClusters.sinkConfig(redis.uri()));
        ConnectClusters.await(WAIT, "the snapshot in Redis", this::inSync);

        for (int round = 1; round <= 5; round++) {
            postgres.execute("UPDATE counters SET hits = hits + 1, note = 'before restart " + round + "'");
        }
        postgres.restart();
        for (int round = 1; round <= 5; round++) {
            postgres.execute("UPDATE counters SET hits = hits + 1, note = 'after restart " + round + "'");
        }
        postgres.execute("DELETE FROM counters WHERE id % 7 = 0");

        ConnectClusters.await(WAIT, "Redis equal to the table after the restart", this::inSync);
        assertThat(redis.commands().hget("public.counters:1", "hits")).isEqualTo("10");
        assertThat(redis.commands().exists("public.counters:7")).isZero();
    }
}
