package io.github.pgredis.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ObjectName;

import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * The sink's plugin archive, unzipped onto the plugin.path of a Connect 3.9 worker (before plugin metrics, KIP-877):
 * it loads in its own class loader, applies changes to a real redis-server, and reports its metrics to JMX under the
 * names a 4.1+ worker gives them. This module's classpath is Kafka 3.9 only; the sink is not on it.
 */
class OlderWorkerIT {
    private static final String TOPIC = "pg.public.users";
    private static final String CONNECTOR = "older-worker-sink";

    @Test
    void theArchiveLoadsAppliesChangesAndReportsItsMetricsOnAConnect39Worker() throws Exception {
        assertThat(AppInfoParser.getVersion()).as("the worker's Kafka").startsWith("3.9.");
        Path plugins = unzippedArchive();
        int redisPort = freePort();
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(Path.of("target", "older-worker-redis.log").toFile()).start();
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.path", plugins.toString());
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("offset.flush.interval.ms", "500");
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("older").numWorkers(1)
                .numBrokers(1).workerProps(worker).build();
        try {
            connect.start();
            connect.kafka().createTopic(TOPIC, 1);
            for (int id = 1; id <= 20; id++) {
                connect.kafka().produce(TOPIC, "{\"id\":" + id + "}", envelope(id, "user " + id, 100 + id));
            }
            Map<String, String> sink = new HashMap<>();
            sink.put("name", CONNECTOR);
            sink.put("connector.class", "io.github.pgredis.sink.RedisSinkConnector");
            sink.put("tasks.max", "1");
            sink.put("topics", TOPIC);
            sink.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            sink.put("key.converter.schemas.enable", "false");
            sink.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            sink.put("value.converter.schemas.enable", "false");
            sink.put("redis.uri", "redis://127.0.0.1:" + redisPort);
            assertThat(connect.validateConnectorConfig("io.github.pgredis.sink.RedisSinkConnector", sink).values())
                    .as("validate on the older worker").allSatisfy(info -> assertThat(info.configValue().errors())
                            .as(info.configKey().name()).isEmpty());
            connect.configureConnector(CONNECTOR, sink);
            connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(CONNECTOR, 1, "the sink runs");

            await(Duration.ofSeconds(60), "every change in Redis",
                    () -> "user 20".equals(redisCli(redisPort, "hget", "public.users:20", "name")));
            assertThat(redisCli(redisPort, "hget", "public.users:1", "name")).isEqualTo("user 1");
            await(Duration.ofSeconds(10), "the sink's metrics in JMX", () -> applied() == 20);
        } finally {
            connect.stop();
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** changes-applied-total of public.users as the task reports it to JMX, 0 before it registers it. */
    private static double applied() {
        try {
            Object value = ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(
                    "kafka.connect:type=plugins,connector=" + CONNECTOR + ",task=0,table=public.users"),
                    "changes-applied-total");
            return ((Number) value).doubleValue();
        } catch (InstanceNotFoundException e) {
            return 0;
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String envelope(int id, String name, long lsn) {
        return "{\"before\":null,\"after\":{\"id\":" + id + ",\"name\":\"" + name + "\"},\"source\":{\"schema\":"
                + "\"public\",\"table\":\"users\",\"ts_ms\":" + System.currentTimeMillis() + ",\"lsn\":" + lsn
                + ",\"sequence\":\"[\\\"" + (lsn - 1) + "\\\",\\\"" + lsn + "\\\"]\"},\"op\":\"c\"}";
    }

    /** The sink's plugin archive from its module's build, unzipped into a plugin directory of this test's own. */
    private static Path unzippedArchive() throws IOException {
        Path plugins = Path.of("target", "older-worker-plugins").toAbsolutePath();
        Path archive = null;
        try (DirectoryStream<Path> built = Files.newDirectoryStream(Path.of("..", "redis-sink-connector", "target"),
                "pgredis-redis-sink-connector-*.zip")) {
            for (Path zip : built) {
                archive = zip;
            }
        }
        assertThat(archive).as("the sink's plugin archive (mvn package builds it first)").isNotNull();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = plugins.resolve(entry.getName()).normalize();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return plugins;
    }

    private static String redisCli(int port, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (InputStream out = process.getInputStream()) {
                String text = new String(out.readAllBytes()).trim();
                process.waitFor(10, TimeUnit.SECONDS);
                return text;
            }
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
