package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Apicurio Registry (its Quarkus runner from Maven Central, unpacked by the module's build) as a process owned by the
 * caller.
 */
public final class RegistryServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private RegistryServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the runner jar found in {@code home}; its output goes to {@code home}'s sibling apicurio-registry.log. */
    public static RegistryServer start(Path home) throws IOException, InterruptedException {
        Path runner;
        try (Stream<Path> files = Files.list(home)) {
            runner = files.filter(path -> path.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Apicurio runner jar under " + home));
        }
        Path log = home.resolveSibling("apicurio-registry.log");
        int port = FreePorts.next();
        Process process = new ProcessBuilder("java", "-Xmx256m", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port, "-jar", runner.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        RegistryServer server = new RegistryServer(process, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                        URI.create(server.url() + "/apis/ccompat/v7/subjects")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited; see " + log);
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException("Apicurio Registry did not start; see " + log);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Apicurio's native API, which its AvroConverter speaks. */
    public String apiUrl() {
        return url() + "/apis/registry/v2";
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
