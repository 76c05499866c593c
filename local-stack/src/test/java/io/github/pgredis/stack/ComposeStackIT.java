package io.github.pgredis.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.ContainerImages;
import io.github.pgredis.sink.testing.FreePorts;
import io.github.pgredis.verify.ConsistencyVerifier;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * docker/docker-compose.yml as README.md runs it, through Testcontainers: every image built from this checkout, the
 * connectors registered by the one-shot service, a change made in PostgreSQL reaches Redis and the worker's metrics
 * endpoint counts it, the verifier finds no drift; then everything is removed, volumes included.
 */
class ComposeStackIT {
    private static final Path CHECKOUT = ContainerImages.CHECKOUT;
    private static final Duration START = Duration.ofMinutes(10);

    @Test
    void composeUpCarriesAChangeToRedisWithoutDriftAndTheMetricsEndpointCountsIt() throws Exception {
        ContainerImages.requireDocker();
        Assumptions.assumeTrue(composeRuns(), "docker-compose is not installed (Debian: apt-get install "
                + "docker-compose); .ci/run installs it");
        Map<String, Integer> ports = new HashMap<>();
        for (String port : List.of("PGREDIS_PG_PORT", "PGREDIS_REDIS_PORT", "PGREDIS_CONNECT_PORT",
                "PGREDIS_METRICS_PORT", "PGREDIS_REGISTRY_PORT")) {
            ports.put(port, FreePorts.next());
        }
        Map<String, String> env = new HashMap<>();
        ports.forEach((name, port) -> env.put(name, port.toString()));

        try (DockerComposeContainer<?> compose = new DockerComposeContainer<>(
                new File(CHECKOUT.toFile(), "docker/docker-compose.yml"))
                .withBuild(true)
                .withPull(false)
                .withEnv(env)
                .withRemoveVolumes(true)
                .withStartupTimeout(START)
                // services waited for by their health checks, on the host ports set above: an exposed service would
                // need Testcontainers' ambassador image, which cannot be pulled here
                .waitingFor("postgres", Wait.forHealthcheck().withStartupTimeout(START))
                .waitingFor("redis", Wait.forHealthcheck().withStartupTimeout(START))
                .waitingFor("connect", Wait.forHealthcheck().withStartupTimeout(START))) {
            compose.start();
            String connect = "http://localhost:" + ports.get("PGREDIS_CONNECT_PORT");
            ConnectClusters.await(Duration.ofMinutes(3), "both connectors and their tasks RUNNING", () ->
                    running(connect, "pg-source") && running(connect, "redis-sink"));

            String pgUrl = "jdbc:postgresql://localhost:" + ports.get("PGREDIS_PG_PORT") + "/postgres";
            String metricsUrl = "http://localhost:" + ports.get("PGREDIS_METRICS_PORT") + "/metrics";
            RedisClient client = RedisClient.create("redis://localhost:" + ports.get("PGREDIS_REDIS_PORT"));
            try (StatefulRedisConnection<String, String> redis = client.connect();
                    Connection pg = DriverManager.getConnection(pgUrl, "postgres", "postgres");
                    Statement statement = pg.createStatement()) {
                ConnectClusters.await(Duration.ofMinutes(2), "the snapshot in Redis",
                        () -> redis.sync().exists("public.customers:2") == 1);
                double appliedBefore = customersApplied(metricsUrl);
                String name = "composed " + System.nanoTime();
                statement.executeUpdate("UPDATE customers SET name = '" + name + "' WHERE id = 2");
                ConnectClusters.await(Duration.ofSeconds(60), "the change in Redis",
                        () -> name.equals(redis.sync().hget("public.customers:2", "name")));
                ConnectClusters.await(Duration.ofSeconds(10), "the change counted at the metrics endpoint",
                        () -> customersApplied(metricsUrl) > appliedBefore);
            } finally {
                client.shutdown();
            }

            RedisSinkConfig sink = RedisSinkConfig.checked(Map.of(RedisSinkConfig.REDIS_URI,
                    "redis://localhost:" + ports.get("PGREDIS_REDIS_PORT")));
            // the snapshot reaches Redis table by table: what ./stack.sh up waits for too
            ConnectClusters.await(Duration.ofSeconds(90), "the verifier to find every table in sync",
                    () -> verify(pgUrl, sink).stream().allMatch(ConsistencyVerifier.TableReport::inSync));
            assertThat(verify(pgUrl, sink)).hasSize(4).allSatisfy(report -> assertThat(report.inSync())
                    .as(report.table()).isTrue());
        }
    }

    private static List<ConsistencyVerifier.TableReport> verify(String pgUrl, RedisSinkConfig sink) {
        try {
            return ConsistencyVerifier.check(pgUrl, "postgres", "postgres", sink, "pg", List.of());
        } catch (SQLException e) {
            throw new IllegalStateException("the verifier could not check", e);
        }
    }

    /** pgredis_sink_changes_applied_total of public.customers at the worker's metrics endpoint, 0 before it is. */
    private static double customersApplied(String metricsUrl) {
        try {
            return StackHttp.prometheusSamples(metricsUrl).getOrDefault("pgredis_sink_changes_applied_total"
                    + "{connector=\"redis-sink\",table=\"public.customers\",task=\"0\"}", 0.0);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean composeRuns() {
        try {
            Process process = new ProcessBuilder("docker-compose", "version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean running(String connect, String connector) {
        try {
            String status = StackHttp.get(connect + "/connectors/" + connector + "/status");
            return status.contains("\"connector\":{\"state\":\"RUNNING\"") && status.contains("\"tasks\":[{")
                    && !status.matches("(?s).*\"state\":\"(FAILED|UNASSIGNED|PAUSED)\".*");
        } catch (IOException e) {
            return false;
        }
    }
}
