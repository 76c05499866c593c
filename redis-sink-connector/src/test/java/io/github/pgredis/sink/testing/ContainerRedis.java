package io.github.pgredis.sink.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * redis-servers in containers of their own (Testcontainers, on docker/redis/Dockerfile's image), on a network of
 * their own with fixed addresses, so that a test can cut one off for real (packets dropped, no connection reset)
 * and heal it at the same address: one server, or the masters of a Redis Cluster. The sink reaches them at their
 * container addresses, which is also what Cluster nodes announce. The local-process {@link RedisServer} stays the
 * fast default; this is for tests that need separate hosts.
 */
public final class ContainerRedis implements AutoCloseable {
    private static final int PORT = 6379;

    private final TestNetwork network;
    private final List<GenericContainer<?>> nodes = new ArrayList<>();
    private final List<String> ips = new ArrayList<>();
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private ContainerRedis(TestNetwork network) {
        this.network = network;
    }

    /** Starts one server; skips the calling test when there is no Docker engine. */
    public static ContainerRedis start() {
        return start(1);
    }

    /** Starts a Redis Cluster of {@code masters} masters without replicas, one container each. */
    public static ContainerRedis startCluster(int masters) {
        return start(masters);
    }

    private static ContainerRedis start(int count) {
        DockerImageName image = DockerImageName.parse(ContainerImages.redis());
        ContainerRedis redis = new ContainerRedis(new TestNetwork());
        boolean started = false;
        try {
            for (int node = 0; node < count; node++) {
                List<String> args = new ArrayList<>(List.of("--bind", "0.0.0.0", "--protected-mode", "no",
                        "--save", "", "--appendonly", "no"));
                if (count > 1) {
                    args.addAll(List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "2000"));
                }
                GenericContainer<?> container = new GenericContainer<>(image)
                        .withCommand(args.toArray(String[]::new))
                        .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1)
                                .withStartupTimeout(Duration.ofSeconds(60)));
                redis.ips.add(redis.network.attach(container));
                redis.nodes.add(container);
                container.start();
            }
            if (count > 1) {
                List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
                redis.ips.forEach(ip -> create.add(ip + ":" + PORT));
                create.add("--cluster-yes");
                redis.exec(0, create.toArray(String[]::new));
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

    /** Waits until every node reports cluster_state:ok. */
    public void awaitClusterOk() {
        for (int node = 0; node < nodes.size(); node++) {
            int which = node;
            ConnectClusters.await(Duration.ofSeconds(60), "cluster_state:ok on node " + node,
                    () -> exec(which, "redis-cli", "cluster", "info").contains("cluster_state:ok"));
        }
    }

    /** redis.uri for the server, or the seed nodes of the cluster. */
    public String uri() {
        return "redis://" + String.join(",", ips.stream().map(ip -> ip + ":" + PORT).toList());
    }

    /** Cuts a node off its network: what is sent to it is dropped, nothing answers, nothing resets. */
    public void partition(int node) {
        network.disconnect(nodes.get(node));
    }

    /** Puts the node back on its network at the same address. */
    public void heal(int node) {
        network.reconnect(nodes.get(node), ips.get(node));
    }

    /** Synchronous commands on a connection of the test's own to the first node (only while connected). */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            closeClient();
            client = RedisClient.create("redis://" + ips.get(0) + ":" + PORT);
            connection = client.connect();
        }
        return connection.sync();
    }

    private String exec(int node, String... command) {
        return ContainerImages.exec(nodes.get(node), command);
    }

    private void closeClient() {
        if (client != null) {
            client.shutdown();
            client = null;
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            closeClient();
            nodes.forEach(GenericContainer::stop);
        } finally {
            network.close();
        }
    }
}
