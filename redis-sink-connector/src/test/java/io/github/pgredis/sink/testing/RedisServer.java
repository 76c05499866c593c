package io.github.pgredis.sink.testing;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * A real redis-server process owned by a test: started on a free loopback port with its own directory, and killable
 * and restartable on the same port, to play crashes and restores.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final TlsFiles tls;
    private final boolean clientCertificates;
    private Path sentinelConfig;
    private Process process;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    /**
     * A test CA, a server certificate for 127.0.0.1 signed by it, a PKCS12 truststore holding the CA, and a client
     * certificate signed by it in a PKCS12 keystore (same password).
     */
    public record TlsFiles(Path caCert, Path serverCert, Path serverKey, Path truststore, String truststorePassword,
            Path clientKeystore, Path clientCertificate, Path clientKey) {
        /** The server's certificate is for 127.0.0.1 and localhost, valid for two days. */
        public static TlsFiles create(Path dir) {
            return create(dir, "IP:127.0.0.1,DNS:localhost", 2);
        }

        /**
         * The server's certificate names {@code subjectAltNames} and is valid for {@code days} days from now: -1 makes
         * it expired (it ended a day ago).
         */
        public static TlsFiles create(Path dir, String subjectAltNames, int days) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("san.cnf"), "subjectAltName=" + subjectAltNames + "\n");
                run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
                        "ca.crt", "-days", "2", "-subj", "/CN=pgredis-test-ca");
                run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
                        "server.csr", "-subj", "/CN=localhost");
                run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                        "-CAcreateserial", "-out", "server.crt", "-days", Integer.toString(days), "-extfile",
                        "san.cnf");
                run(dir, "keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore",
                        "truststore.p12", "-storetype", "PKCS12", "-storepass", "changeit");
                run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out",
                        "client.csr", "-subj", "/CN=pgredis-sink");
                run(dir, "openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                        "-CAcreateserial", "-out", "client.crt", "-days", "2");
                run(dir, "openssl", "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out",
                        "client.p12", "-passout", "pass:changeit");
                return new TlsFiles(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                        dir.resolve("truststore.p12"), "changeit", dir.resolve("client.p12"),
                        dir.resolve("client.crt"), dir.resolve("client.key"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void run(Path dir, String... command) throws IOException {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(command[0] + ".log").toFile()).start();
            try {
                if (process.waitFor() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed; see " + dir);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private RedisServer(int port, Path dir, List<String> extraArgs, TlsFiles tls, boolean clientCertificates) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.tls = tls;
        this.clientCertificates = clientCertificates;
    }

    /** Starts a server that keeps nothing on disk. */
    public static RedisServer start() {
        return start(List.of("--save", "", "--appendonly", "no"));
    }

    public static RedisServer start(List<String> extraArgs) {
        return start(extraArgs, false, false);
    }

    /** Starts a server that accepts only TLS connections, with certificates made for the test. */
    public static RedisServer startTls() {
        return start(List.of("--save", "", "--appendonly", "no"), true, false);
    }

    /** Starts a TLS server that also asks every client for a certificate signed by the test CA (mutual TLS). */
    public static RedisServer startMutualTls() {
        return start(List.of("--save", "", "--appendonly", "no"), true, true);
    }

    /**
     * Starts a Sentinel that watches the master under {@code name}: a quorum of 2, down after 1 s without a reply.
     */
    public static RedisServer startSentinel(RedisServer master, String name) {
        try {
            int port = FreePorts.next();
            Path dir = ServerDirectories.create("sentinel-" + port + "-");
            // a TLS master is watched over TLS: the sentinel takes its certificates and speaks TLS to every node
            RedisServer sentinel = new RedisServer(port, dir, master.tls == null ? List.of()
                    : List.of("--tls-replication", "yes"), master.tls, false);
            sentinel.sentinelConfig = dir.resolve("sentinel.conf");
            Files.writeString(sentinel.sentinelConfig, "sentinel monitor " + name + " 127.0.0.1 " + master.port()
                    + " 2\nsentinel down-after-milliseconds " + name + " 1000\nsentinel failover-timeout " + name
                    + " 10000\n");
            sentinel.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(sentinel::close));
            return sentinel;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a sentinel", e);
        }
    }

    /** Starts a TLS server whose certificate names {@code subjectAltNames}, valid {@code days} days (see TlsFiles). */
    public static RedisServer startTls(String subjectAltNames, int days) {
        return start(List.of("--save", "", "--appendonly", "no"), dir -> TlsFiles.create(dir, subjectAltNames, days),
                false);
    }

    /** Starts a TLS-only server with certificates shared with other servers of the test (a cluster's nodes). */
    public static RedisServer startTls(List<String> extraArgs, TlsFiles shared) {
        return start(extraArgs, dir -> shared, false);
    }

    private static RedisServer start(List<String> extraArgs, boolean withTls, boolean clientCertificates) {
        return start(extraArgs, withTls ? TlsFiles::create : null, clientCertificates);
    }

    private static RedisServer start(List<String> extraArgs, Function<Path, TlsFiles> tlsFiles,
            boolean clientCertificates) {
        try {
            int port = FreePorts.next();
            Path dir = ServerDirectories.create("redis-" + port + "-");
            TlsFiles tls = tlsFiles == null ? null : tlsFiles.apply(dir.resolve("tls"));
            RedisServer server = new RedisServer(port, dir, extraArgs, tls, clientCertificates);
            server.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        if (sentinelConfig != null) {
            command.addAll(List.of(sentinelConfig.toString(), "--sentinel"));
        }
        command.addAll(List.of("--bind", "127.0.0.1", "--dir", dir.toString(), "--logfile",
                dir.resolve("redis.log").toString()));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file",
                    tls.serverCert().toString(), "--tls-key-file", tls.serverKey().toString(), "--tls-ca-cert-file",
                    tls.caCert().toString(), "--tls-auth-clients", clientCertificates ? "yes" : "no"));
        }
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(dir.toFile(), "stdout.log")).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: see " + dir.resolve("redis.log"));
            }
            try {
                new Socket("127.0.0.1", port).close();
                return;
            } catch (IOException notYet) {
                ConnectClusters.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not open port " + port);
    }

    public int port() {
        return port;
    }

    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + "127.0.0.1:" + port;
    }

    public TlsFiles tls() {
        return tls;
    }

    /** Synchronous commands for assertions, on a connection of the test's own. */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            RedisURI redisUri = RedisURI.create(uri());
            redisUri.setVerifyPeer(false);
            client = RedisClient.create(redisUri);
            if (tls != null) {
                client.setOptions(io.lettuce.core.ClientOptions.builder().sslOptions(io.lettuce.core.SslOptions
                        .builder().jdkSslProvider().keystore(tls.clientKeystore().toFile(),
                                tls.truststorePassword().toCharArray()).build()).build());
            }
            connection = client.connect();
        }
        return connection.sync();
    }

    /** Every hash whose key matches the pattern, sorted by key and field, for comparing whole states. */
    public java.util.Map<String, java.util.Map<String, String>> hashes(String pattern) {
        java.util.Map<String, java.util.Map<String, String>> rows = new java.util.TreeMap<>();
        for (String key : commands().keys(pattern)) {
            if (commands().type(key).equals("hash")) {
                rows.put(key, new java.util.TreeMap<>(commands().hgetall(key)));
            }
        }
        return rows;
    }

    /** SIGSTOP: the server holds its connections but answers nothing, as a stalled replica does. */
    public void pause() {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            if (new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9: no shutdown save, in-flight writes lost as in a crash. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeClient();
    }

    /** Starts the server again on the same port and directory (loading whatever it persisted there). */
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                commands().ping();
                return;
            } catch (RuntimeException loading) {
                closeClient();
                ConnectClusters.sleep(50);
            }
        }
    }

    private void closeClient() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            client = null;
            connection = null;
        }
    }

    @Override
    public void close() {
        kill();
        ServerDirectories.delete(dir);
    }
}
