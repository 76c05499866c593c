package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
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
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/** PostgreSQL restarted while changes stream: Debezium resumes from its slot and Redis converges to the table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRestartIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private PostgresServer postgres;
    private RedisServer redis;
    private EmbeddedConnectCluster connect;

    @BeforeAll
    void start() {
        postgres = PostgresServer.start();
        redis = RedisServer.start();
        connect = ConnectClusters.start("pg-restart", 1);
    }

    @AfterAll
    void stop() {
        connect.stop();
        redis.close();
        postgres.close();
    }

    private boolean inSync() {
        RedisClient client = RedisClient.create(redis.uri());
        try (Connection pg = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port()
                + "/postgres", "postgres", "postgres");
                StatefulRedisConnection<String, String> connection = client.connect()) {
            List<ConsistencyVerifier.TableReport> reports = new ConsistencyVerifier(new RedisSinkConfig(
                    Map.of(RedisSinkConfig.REDIS_URI, redis.uri()))).verify(pg, connection, "pg", List.of("counters"));
            return reports.stream().allMatch(ConsistencyVerifier.TableReport::inSync);
        } catch (Exception notReachableYet) {
            return false;
        } finally {
            client.shutdown();
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
