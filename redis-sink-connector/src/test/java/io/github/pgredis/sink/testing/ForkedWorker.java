package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A Connect distributed worker in a JVM of its own that joins an {@link EmbeddedConnectCluster}, so that a test can
 * kill it with SIGKILL: no shutdown hook, no task stop, no offset commit, exactly as when a machine dies.
 */
public final class ForkedWorker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private final Process process;
    private final String workerId;

    private ForkedWorker(Process process, String workerId) {
        this.process = process;
        this.workerId = workerId;
    }

    /** Starts a worker of the cluster started by {@code ConnectClusters.start(name, ...)} and waits for its REST API. */
    public static ForkedWorker join(String name, EmbeddedConnectCluster cluster, String workerName) {
        int port = FreePorts.next();
        Map<String, String> props = ConnectClusters.workerProperties(name);
        props.put("bootstrap.servers", cluster.kafka().bootstrapServers());
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        try {
            Path dir = Files.createDirectories(Path.of("target", "forked-workers"));
            Path config = dir.resolve(workerName + ".properties");
            Properties properties = new Properties();
            properties.putAll(props);
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "forked Connect worker " + workerName);
            }
            Path log = Path.of("target", "test-logs", workerName + ".log").toAbsolutePath();
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx512m",
                    "-Dtest.log.file=" + log, "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(workerName + ".out").toFile())
                    .start();
            ForkedWorker worker = new ForkedWorker(process, "127.0.0.1:" + port);
            worker.awaitRestApi(port);
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id under which the Connect status API lists this worker's connectors and tasks. */
    public String workerId() {
        return workerId;
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            awaitExit();
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for worker " + workerId, e);
        }
    }

    private void awaitRestApi(int port) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest root = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/connectors"))
                .timeout(Duration.ofSeconds(5)).build();
        ConnectClusters.await(START_TIMEOUT, "forked worker " + workerId + " serving REST", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("forked worker " + workerId + " exited with " + process.exitValue());
            }
            try {
                return http.send(root, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }
}
