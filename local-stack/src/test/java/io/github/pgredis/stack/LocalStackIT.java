package io.github.pgredis.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * ./stack.sh as a user runs it, with JSON and with Avro: up, a change made in PostgreSQL reaches Redis, verify finds
 * no drift, down leaves nothing running.
 */
class LocalStackIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private Path stackDir;
    private final Map<String, String> env = new HashMap<>();

    private void prepare(String format) throws IOException {
        stackDir = Path.of("target", "stack-it-" + format).toAbsolutePath();
        env.put("STACK_DIR", stackDir.toString());
        for (String port : List.of("STACK_PG_PORT", "STACK_REDIS_PORT", "STACK_KAFKA_PORT", "STACK_CONTROLLER_PORT",
                "STACK_CONNECT_PORT", "STACK_REGISTRY_PORT")) {
            try (ServerSocket socket = new ServerSocket(0)) {
                env.put(port, Integer.toString(socket.getLocalPort()));
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private Result stack(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("stack.sh").toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("stack", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("./stack.sh " + String.join(" ", args) + " ->\n" + output);
        return new Result(process.exitValue(), output);
    }

    @AfterEach
    void down() throws Exception {
        stack("down");
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "avro"})
    void upCarriesAChangeToRedisVerifiesWithoutDriftAndDownLeavesNothingRunning(String format) throws Exception {
        prepare(format);
        Result up = stack("up", "--format", format);
        assertThat(up.exit()).as(up.output()).isZero();
        Map<String, String> endpoints = new HashMap<>();
        for (String line : Files.readAllLines(stackDir.resolve("endpoints.env"))) {
            int eq = line.indexOf('=');
            endpoints.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertThat(endpoints).containsKeys("PG_URL", "REDIS_URL", "CONNECT_URL", "REGISTRY_URL");
        assertThat(endpoints.get("REGISTRY_URL")).as("a registry exactly with avro").isEqualTo(
                format.equals("avro") ? "http://127.0.0.1:" + env.get("STACK_REGISTRY_PORT") : "");

        String pgUrl = "jdbc:postgresql://127.0.0.1:" + env.get("STACK_PG_PORT") + "/postgres";
        RedisClient client = RedisClient.create(endpoints.get("REDIS_URL"));
        try (Connection pg = DriverManager.getConnection(pgUrl, "postgres", "");
                Statement statement = pg.createStatement();
                StatefulRedisConnection<String, String> redis = client.connect()) {
            String name = "changed " + System.nanoTime();
            statement.executeUpdate("UPDATE customers SET name = '" + name + "' WHERE id = 2");
            long committed = System.nanoTime();
            long deadline = committed + TimeUnit.SECONDS.toNanos(60);
            while (!name.equals(redis.sync().hget("public.customers:2", "name")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(redis.sync().hget("public.customers:2", "name")).isEqualTo(name);
            System.out.printf("RESULT stack_" + format + "_commit_to_redis_ms %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - committed));
        } finally {
            client.shutdown();
        }

        Result verify = stack("verify");
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("public.customers:", "all in Redis and equal");

        Result down = stack("down");
        assertThat(down.exit()).as(down.output()).isZero();
        for (String port : List.of("STACK_PG_PORT", "STACK_REDIS_PORT", "STACK_KAFKA_PORT", "STACK_CONNECT_PORT",
                "STACK_REGISTRY_PORT")) {
            try (ServerSocket free = new ServerSocket(Integer.parseInt(env.get(port)))) {
                assertThat(free.isBound()).as("%s is free after down", port).isTrue();
            }
        }
        try (var pids = Files.list(stackDir.resolve("run"))) {
            assertThat(pids.toList()).as("no pid files left").isEmpty();
        }
    }
}
