package io.github.pgredis.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.redis.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * ./stack.sh as a user runs it, with JSON and with Avro: up, a change made in PostgreSQL reaches Redis, verify finds
 * no drift, down leaves nothing running. It runs from a copy of the checkout in a directory only its owner may enter
 * (as a clone under {@code mktemp -d} is), so that, run as root, the stack's PostgreSQL (run as nobody) must do
 * without reading the checkout. With JSON it also runs README.md's install block against the stack's worker.
 */
class LocalStackIT {
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private Path root;
    private Path stackDir;
    private final Map<String, String> env = new HashMap<>();

    /**
     * The files ./stack.sh reads, copied into a private directory; what the build made (and only root reads) is
     * linked.
     */
    private static Path privateCheckout() throws IOException {
        Path parent = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "private-");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
        Path copy = parent.resolve("checkout");
        for (String path : List.of("stack.sh", "README.md", "pg-source-config/connectors", "pg-source-config/sql",
                "pg-source-config/postgresql", "local-stack/demo-schema.sql", "local-stack/redis-sink.json",
                "local-stack/connector-config.py", "local-stack/kafka-broker.properties",
                "local-stack/connect-worker.properties", "local-stack/render-template.sh",
                "local-stack/target/classes")) {
            copyTree(CHECKOUT.resolve(path), copy.resolve(path));
        }
        for (String built : List.of("local-stack/target/stack", "consistency-verifier/target",
                "redis-sink-connector/target", "resync-scheduler/target")) {
            Files.createDirectories(copy.resolve(built).getParent());
            Files.createSymbolicLink(copy.resolve(built), CHECKOUT.resolve(built));
        }
        return copy;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private void prepare(String format, String redisMode) throws IOException {
        root = privateCheckout();
        stackDir = Path.of("target", "stack-it-" + format + "-" + redisMode).toAbsolutePath();
        if (Files.exists(stackDir)) {
            deleteTree(stackDir);
        }
        env.put("STACK_DIR", stackDir.toString());
        for (String port : List.of("STACK_PG_PORT", "STACK_REDIS_PORT", "STACK_KAFKA_PORT", "STACK_CONTROLLER_PORT",
                "STACK_CONNECT_PORT", "STACK_REGISTRY_PORT", "STACK_METRICS_PORT")) {
            try (ServerSocket socket = new ServerSocket(0)) {
                env.put(port, Integer.toString(socket.getLocalPort()));
            }
        }
        if (redisMode.equals("cluster")) {
            env.put("STACK_REDIS_PORT", Integer.toString(freeClusterPorts()));
        }
    }

    /** A port whose next five are free too, and their cluster bus ports (10000 above each). */
    private static int freeClusterPorts() {
        for (int base = 20_000; base < 50_000; base += 97) {
            boolean free = true;
            for (int i = 0; i < 6 && free; i++) {
                free = isFree(base + i) && isFree(base + i + 10_000);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no six free ports for a Redis Cluster");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return socket.isBound();
        } catch (IOException taken) {
            return false;
        }
    }

    private record Result(int exit, String output) {
    }

    private Result stack(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("stack.sh").toString()));
        command.addAll(List.of(args));
        return run(command, "./stack.sh " + String.join(" ", args));
    }

    private Result run(List<String> command, String what) throws Exception {
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "stack", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.println(what + " ->\n" + output);
        return new Result(process.exitValue(), output);
    }

    @AfterEach
    void down() throws Exception {
        if (root != null) {
            stack("down");
            // as root with a stack directory nobody cannot enter, stack.sh keeps PostgreSQL under /tmp
            run(List.of("bash", "-c", "rm -rf \"/tmp/pgredis-stack-$(printf '%s' \"$STACK_DIR\" | cksum | cut -d' ' "
                    + "-f1)\""), "remove the stack's PostgreSQL home");
            deleteTree(root.getParent());
            deleteTree(stackDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * README.md's install block, as written but for its two variables: unzip the plugin into the worker's plugin
     * directory, point the example at the stack's Redis (the edit the block asks for), PUT it; the sink keeps
     * applying changes under that configuration.
     */
    private void installAsTheReadmeSays(Map<String, String> endpoints) throws Exception {
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Installing the sink");
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        assertThat(block).contains("PLUGIN_DIR=", "CONNECT_URL=", "# edit");
        block = block.replaceAll("(?m)^PLUGIN_DIR=.*$", "PLUGIN_DIR=" + stackDir.resolve("plugins"))
                .replaceAll("(?m)^CONNECT_URL=.*$", "CONNECT_URL=" + endpoints.get("CONNECT_URL"));
        int edit = block.indexOf("# edit");
        String variables = block.substring(0, block.indexOf("unzip"));
        Result unzip = run(List.of("bash", "-euo", "pipefail", "-c", block.substring(0, edit)), "install, unzip");
        assertThat(unzip.exit()).as(unzip.output()).isZero();

        Path example;
        try (var plugins = Files.list(stackDir.resolve("plugins"))) {
            example = plugins.filter(dir -> dir.getFileName().toString().startsWith("pgredis-redis-sink-connector-"))
                    .findFirst().orElseThrow().resolve("etc").resolve("redis-sink.json");
        }
        String config = Files.readString(example, StandardCharsets.UTF_8);
        assertThat(config).contains("\"redis.uri\": \"redis://localhost:6379\"");
        Files.writeString(example, config.replace("redis://localhost:6379", endpoints.get("REDIS_URL")));

        Result submit = run(List.of("bash", "-euo", "pipefail", "-c", variables
                + "SINK_DIR=\"$(ls -d \"$PLUGIN_DIR\"/pgredis-redis-sink-connector-*/ | tail -1)\"\n"
                + block.substring(edit)), "install, submit");
        assertThat(submit.exit()).as(submit.output()).isZero();
        assertThat(submit.output()).as("the example's configuration, not the stack's")
                .contains("\"name\":\"redis-sink\"", "\"tasks.max\":\"2\"");
        long running = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Result status;
        do {
            Thread.sleep(200);
            status = run(List.of("curl", "-fsS", endpoints.get("CONNECT_URL") + "/connectors/redis-sink/status"),
                    "status");
        } while (status.output().split("\"RUNNING\"", -1).length - 1 < 3 && System.nanoTime() < running);
        assertThat(status.output()).as("the connector and its two tasks RUNNING").contains("\"id\":1");

        RedisClient client = RedisClient.create(endpoints.get("REDIS_URL"));
        String pgUrl = "jdbc:postgresql://127.0.0.1:" + env.get("STACK_PG_PORT") + "/postgres";
        try (Connection pg = DriverManager.getConnection(pgUrl, "postgres", "");
                Statement statement = pg.createStatement();
                StatefulRedisConnection<String, String> redis = client.connect()) {
            String name = "installed " + System.nanoTime();
            statement.executeUpdate("UPDATE customers SET name = '" + name + "' WHERE id = 3");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!name.equals(redis.sync().hget("public.customers:3", "name")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(redis.sync().hget("public.customers:3", "name")).as("applied by the sink as installed")
                    .isEqualTo(name);
        } finally {
            client.shutdown();
        }
    }

    private static String customerName(RedisConnection redis) {
        return RedisSession.await(redis.commands().hget("public.customers:2", "name"), 5_000);
    }

    /**
     * The worker's Prometheus endpoint (the JMX exporter on the rules the plugin archive ships): while a table is
     * quiet its freshness lag grows; changes make the counters rise and the lag fall back; ./stack.sh status shows
     * the figures.
     */
    private void theMetricsEndpointCountsChangesAsTheyFlowAndTheLagMoves(String metricsUrl, String pgUrl)
            throws Exception {
        String customers = "{connector=\"redis-sink\",table=\"public.customers\",task=\"0\"}";
        Map<String, Double> quiet = StackHttp.prometheusSamples(metricsUrl);
        assertThat(quiet).containsKeys("pgredis_sink_changes_applied_total" + customers,
                "pgredis_sink_freshness_lag_ms" + customers, "pgredis_sink_retries_total{connector=\"redis-sink\","
                        + "task=\"0\"}", "kafka_connect_sink_task_metrics_sink_record_read_total{connector=\""
                        + "redis-sink\",task=\"0\"}", "kafka_connect_sink_consumer_records_lag_max{connector=\""
                        + "redis-sink\",task=\"0\"}");
        Thread.sleep(1_500);
        Map<String, Double> later = StackHttp.prometheusSamples(metricsUrl);
        assertThat(later.get("pgredis_sink_freshness_lag_ms" + customers)).as("a quiet table's lag grows")
                .isGreaterThanOrEqualTo(quiet.get("pgredis_sink_freshness_lag_ms" + customers) + 1_000);

        int changes = 40;
        try (Connection pg = DriverManager.getConnection(pgUrl, "postgres", "");
                Statement statement = pg.createStatement()) {
            for (int i = 0; i < changes; i++) {
                statement.executeUpdate("UPDATE customers SET name = 'flowing " + i + "' WHERE id = 3");
                Thread.sleep(25);
            }
        }
        String applied = "pgredis_sink_changes_applied_total" + customers;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Double> flowed = StackHttp.prometheusSamples(metricsUrl);
        while (flowed.get(applied) < later.get(applied) + changes && System.nanoTime() < deadline) {
            Thread.sleep(100);
            flowed = StackHttp.prometheusSamples(metricsUrl);
        }
        assertThat(flowed.get(applied)).as("every change counted").isGreaterThanOrEqualTo(later.get(applied) + changes);
        assertThat(flowed.get("pgredis_sink_freshness_lag_ms" + customers)).as("fresh again")
                .isLessThan(later.get("pgredis_sink_freshness_lag_ms" + customers));
        assertThat(flowed.get("pgredis_sink_freshness_lag_max_ms" + customers)).isBetween(0.0, 30_000.0);
        assertThat(flowed.get("pgredis_sink_dead_letters_total" + customers)).isZero();

        Result status = stack("status");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).containsPattern("public\\.customers: \\d+ applied, \\d+ skipped, 0 to the DLQ; "
                + "freshness lag \\d+ ms").contains("redis-sink task 0: 0 retries");
    }

    @ParameterizedTest
    @CsvSource({"json, standalone", "avro, standalone", "json, cluster"})
    void upCarriesAChangeToRedisVerifiesWithoutDriftAndDownLeavesNothingRunning(String format, String redisMode)
            throws Exception {
        prepare(format, redisMode);
        Result up = stack("up", "--format", format, "--redis", redisMode);
        assertThat(up.exit()).as(up.output()).isZero();
        Map<String, String> endpoints = new HashMap<>();
        for (String line : Files.readAllLines(stackDir.resolve("endpoints.env"))) {
            int eq = line.indexOf('=');
            endpoints.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertThat(endpoints).containsKeys("PG_URL", "REDIS_URL", "REDIS_TOPOLOGY", "CONNECT_URL", "REGISTRY_URL",
                "METRICS_URL");
        assertThat(endpoints.get("REDIS_TOPOLOGY")).isEqualTo(redisMode);
        assertThat(endpoints.get("REGISTRY_URL")).as("a registry exactly with avro").isEqualTo(
                format.equals("avro") ? "http://127.0.0.1:" + env.get("STACK_REGISTRY_PORT") : "");

        String pgUrl = "jdbc:postgresql://127.0.0.1:" + env.get("STACK_PG_PORT") + "/postgres";
        RedisSettings redisSettings = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI,
                endpoints.get("REDIS_URL"), RedisSinkConfig.REDIS_TOPOLOGY, redisMode)).redisSettings();
        try (Connection pg = DriverManager.getConnection(pgUrl, "postgres", "");
                Statement statement = pg.createStatement();
                RedisConnection redis = RedisConnection.open(redisSettings)) {
            String name = "changed " + System.nanoTime();
            statement.executeUpdate("UPDATE customers SET name = '" + name + "' WHERE id = 2");
            long committed = System.nanoTime();
            long deadline = committed + TimeUnit.SECONDS.toNanos(60);
            while (!name.equals(customerName(redis)) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(customerName(redis)).isEqualTo(name);
            System.out.printf("RESULT stack_" + format + (redisMode.equals("cluster") ? "_cluster" : "")
                    + "_commit_to_redis_ms %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - committed));
        }

        Result verify = stack("verify");
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("public.customers:", "all in Redis and equal");
        if (format.equals("json") && redisMode.equals("standalone")) {
            theMetricsEndpointCountsChangesAsTheyFlowAndTheLagMoves(endpoints.get("METRICS_URL"), pgUrl);
            installAsTheReadmeSays(endpoints);
        }

        Result down = stack("down");
        assertThat(down.exit()).as(down.output()).isZero();
        for (String port : List.of("STACK_PG_PORT", "STACK_REDIS_PORT", "STACK_KAFKA_PORT", "STACK_CONNECT_PORT",
                "STACK_REGISTRY_PORT", "STACK_METRICS_PORT")) {
            assertThat(isFree(Integer.parseInt(env.get(port)))).as("%s is free after down", port).isTrue();
        }
        int redisNodes = redisMode.equals("cluster") ? 6 : 1;
        for (int node = 1; node < redisNodes; node++) {
            int port = Integer.parseInt(env.get("STACK_REDIS_PORT")) + node;
            assertThat(isFree(port)).as("Redis Cluster node :%d is stopped after down", port).isTrue();
        }
        try (var pids = Files.list(stackDir.resolve("run"))) {
            assertThat(pids.toList()).as("no pid files left").isEmpty();
        }
    }
}
