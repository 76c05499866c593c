package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * redis-servers in Docker containers of their own, on a network of their own, so that a test can cut one off for real
 * (packets dropped, no connection reset) with {@code docker network disconnect} and heal it: one server, or the
 * masters of a Redis Cluster. No image registry is
 * needed: the image is a Debian bookworm root file system made with debootstrap (redis-server included) and
 * imported. Where no Docker engine runs the test is skipped, saying so.
 */
public final class DockerRedis implements AutoCloseable {
    static final String IMAGE = "pgredis-test/redis:bookworm";
    private static final String LABEL = "io.github.pgredis.test";

    private final String network;
    private final List<String> containers = new ArrayList<>();
    private final List<String> ips = new ArrayList<>();
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private DockerRedis(String network) {
        this.network = network;
    }

    /** Starts one server; skips the calling test when there is no Docker engine. */
    public static DockerRedis start() {
        return start(1);
    }

    /** Starts a Redis Cluster of {@code masters} masters without replicas, one container each. */
    public static DockerRedis startCluster(int masters) {
        return start(masters);
    }

    private static DockerRedis start(int nodes) {
        Result info = docker("info", "--format", "{{.ServerVersion}}");
        Assumptions.assumeTrue(info.exit() == 0, "no Docker engine runs here (docker info: " + info.output().trim()
                + "); .ci/run installs and starts one");
        ensureImage();
        // what a test run killed before its cleanup left behind
        for (String kind : List.of("container", "network")) {
            docker(kind, "prune", "-f", "--filter", "label=" + LABEL);
        }
        String name = "pgredis-" + UUID.randomUUID().toString().substring(0, 8);
        // an address the test can give back after a disconnect needs a subnet of the test's own
        String prefix = null;
        for (int attempt = 0; attempt < 20 && prefix == null; attempt++) {
            String candidate = "10.213." + (1 + Math.floorMod(name.hashCode() + attempt, 250)) + ".";
            if (docker("network", "create", "--label", LABEL, "--subnet", candidate + "0/24", name).exit() == 0) {
                prefix = candidate;
            }
        }
        if (prefix == null) {
            throw new IllegalStateException("no free subnet under 10.213.0.0/16 for a test network");
        }
        DockerRedis redis = new DockerRedis(name);
        boolean started = false;
        try {
            for (int node = 0; node < nodes; node++) {
                String ip = prefix + (10 + node);
                String container = name + "-" + node;
                redis.containers.add(container);
                redis.ips.add(ip);
                List<String> run = new ArrayList<>(List.of("run", "-d", "--label", LABEL, "--network", name, "--ip",
                        ip, "--name", container, IMAGE, "redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "",
                        "--appendonly", "no"));
                if (nodes > 1) {
                    run.addAll(List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "2000"));
                }
                checked(docker(run.toArray(String[]::new)));
            }
            for (String ip : redis.ips) {
                ConnectClusters.await(java.time.Duration.ofSeconds(30), "redis-server at " + ip, () ->
                        docker("exec", redis.containers.get(0), "redis-cli", "-h", ip, "ping").output()
                                .contains("PONG"));
            }
            if (nodes > 1) {
                List<String> create = new ArrayList<>(List.of("exec", redis.containers.get(0), "redis-cli",
                        "--cluster", "create"));
                redis.ips.forEach(ip -> create.add(ip + ":6379"));
                create.add("--cluster-yes");
                checked(docker(create.toArray(String[]::new)));
                redis.awaitClusterOk();
            }
            started = true;
            return redis;
        } finally {
            if (!started) {
                redis.close();
            }
        }
    }

    private static synchronized void ensureImage() {
        if (docker("image", "inspect", IMAGE).exit() == 0) {
            return;
        }
        try {
            Path rootfs = Files.createTempDirectory("pgredis-rootfs-");
            try {
                checked(run(List.of("debootstrap", "--variant=minbase", "--include=redis-server", "bookworm",
                        rootfs.toString(), debianMirror())));
                checked(run(List.of("bash", "-c", "tar -C '" + rootfs + "' -c . | docker import - " + IMAGE)));
            } finally {
                run(List.of("rm", "-rf", "--one-file-system", rootfs.toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The machine's own Debian mirror (its apt sources), as debootstrap takes it. */
    private static String debianMirror() throws IOException {
        Path sources = Path.of("/etc/apt/sources.list.d/debian.sources");
        if (Files.exists(sources)) {
            for (String line : Files.readAllLines(sources)) {
                if (line.startsWith("URIs:")) {
                    return line.substring("URIs:".length()).trim().split("\\s+")[0];
                }
            }
        }
        return "http://deb.debian.org/debian";
    }

    /** Waits until every node reports cluster_state:ok. */
    public void awaitClusterOk() {
        for (String container : containers) {
            ConnectClusters.await(java.time.Duration.ofSeconds(60), "cluster_state:ok on " + container, () ->
                    docker("exec", container, "redis-cli", "cluster", "info").output().contains("cluster_state:ok"));
        }
    }

    /** redis.uri for the server, or the seed nodes of the cluster. */
    public String uri() {
        return "redis://" + String.join(",", ips.stream().map(ip -> ip + ":6379").toList());
    }

    /** Cuts a node off its network: what is sent to it is dropped, nothing answers, nothing resets. */
    public void partition(int node) {
        checked(docker("network", "disconnect", network, containers.get(node)));
    }

    /** Puts the node back on its network at the same address. */
    public void heal(int node) {
        checked(docker("network", "connect", "--ip", ips.get(node), network, containers.get(node)));
    }

    /** Synchronous commands on a connection of the test's own to the first node (only while connected). */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            client = RedisClient.create("redis://" + ips.get(0) + ":6379");
            connection = client.connect();
        }
        return connection.sync();
    }

    private synchronized void closeClient() {
        if (client != null) {
            client.shutdown();
            client = null;
            connection = null;
        }
    }

    @Override
    public void close() {
        closeClient();
        containers.forEach(container -> docker("rm", "-f", container));
        docker("network", "rm", network);
    }

    private record Result(int exit, String output) {
    }

    private static Result checked(Result result) {
        if (result.exit() != 0) {
            throw new IllegalStateException("failed: " + result.output());
        }
        return result;
    }

    private static Result docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Result run(List<String> command) {
        try {
            Path log = Files.createTempFile("pgredis-docker-", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return new Result(-1, String.join(" ", command) + " timed out");
                }
                return new Result(process.exitValue(), String.join(" ", command) + ": " + Files.readString(log));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
