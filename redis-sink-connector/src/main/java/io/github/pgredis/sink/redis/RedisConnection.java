package io.github.pgredis.sink.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ConnectionIntent;

/**
 * One connection to a Redis deployment of any {@link Topology}. Its commands go where their keys live: to the one
 * server, to the master Sentinel names, or, in a Cluster, to each key's slot owner (MOVED and ASK followed), one
 * connection per master. {@link #masters()} gives each master's own connection: the one that carries the commands
 * routed to it, so a command sent there comes after them.
 */
public final class RedisConnection implements AutoCloseable {
    /** A master and the commands of the connection that carries everything sent to it. */
    public record Master(String id, RedisClusterAsyncCommands<String, String> commands, List<Integer> slots) {
    }

    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisClusterConnection<String, String> cluster;

    private RedisConnection(AbstractRedisClient client, StatefulConnection<String, String> connection,
            RedisClusterAsyncCommands<String, String> commands, StatefulRedisClusterConnection<String, String> cluster) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.cluster = cluster;
    }

    public static RedisConnection open(RedisSettings settings) {
        if (settings.topology() == Topology.CLUSTER) {
            RedisClusterClient client = RedisClients.createCluster(settings);
            try {
                StatefulRedisClusterConnection<String, String> cluster = client.connect(ExactUtf8Codec.INSTANCE);
                RedisConnection connection = new RedisConnection(client, cluster, cluster.async(), cluster);
                // connected to every master now: commands to a node whose connection is still being made would be
                // rejected (commands fail fast while disconnected)
                connection.masters();
                return connection;
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw e;
            }
        }
        RedisClient client = RedisClients.create(settings);
        try {
            StatefulRedisConnection<String, String> connection = client.connect(ExactUtf8Codec.INSTANCE);
            return new RedisConnection(client, connection, connection.async(), null);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /**
     * Commands routed by key (in a Cluster, multi-key commands are split by slot); a keyless command here may reach
     * any node: use {@link #masters()} or {@link #scan} for those.
     */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    public void setAutoFlushCommands(boolean autoFlush) {
        connection.setAutoFlushCommands(autoFlush);
    }

    /** Sends what is queued, on every connection. */
    public void flushCommands() {
        connection.flushCommands();
    }

    public boolean isCluster() {
        return cluster != null;
    }

    /** The masters as the client last saw the topology, in a stable order; outside a Cluster the one server. */
    public List<Master> masters() {
        if (cluster == null) {
            return List.of(new Master("", commands, List.of()));
        }
        List<Master> masters = new ArrayList<>();
        cluster.getPartitions().stream()
                .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty())
                .sorted(Comparator.comparing(RedisClusterNode::getNodeId))
                .forEach(node -> masters.add(new Master(node.getNodeId(), cluster.getConnection(
                        node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE).async(),
                        List.copyOf(node.getSlots()))));
        return masters;
    }

    /**
     * The nodes the client knows of now, by id: the replicas, and with {@code withMasters} the masters that serve slots
     * (a master added empty counts once it has slots); outside a Cluster the one server.
     */
    public Set<String> nodeIds(boolean withMasters) {
        if (cluster == null) {
            return Set.of("");
        }
        Set<String> ids = new HashSet<>();
        cluster.getPartitions().forEach(node -> {
            boolean master = node.is(RedisClusterNode.NodeFlag.UPSTREAM);
            if (!master || withMasters && !node.getSlots().isEmpty()) {
                ids.add(node.getNodeId());
            }
        });
        return ids;
    }

    /**
     * Hands every page of the keys that start with {@code keyPrefix} to {@code page}, master by master: in a Cluster
     * Lettuce's own SCAN also visits failed masters, which answer nothing.
     */
    public void scan(String keyPrefix, int pageSize, long timeoutMs, Consumer<List<String>> page) {
        for (Master master : masters()) {
            scan(master, keyPrefix, pageSize, timeoutMs, page);
        }
    }

    /** {@link #scan(String, int, long, Consumer)} on one master. */
    public void scan(Master master, String keyPrefix, int pageSize, long timeoutMs, Consumer<List<String>> page) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            RedisFuture<KeyScanCursor<String>> reply = scanPage(master, keyPrefix, cursor, pageSize);
            flushCommands();
            KeyScanCursor<String> found = RedisSession.await(reply, timeoutMs);
            page.accept(found.getKeys());
            cursor = found;
        } while (!cursor.isFinished());
    }

    /** Queues one SCAN page of the master's keys that start with {@code keyPrefix}, from {@code cursor}. */
    public static RedisFuture<KeyScanCursor<String>> scanPage(Master master, String keyPrefix, ScanCursor cursor,
            int pageSize) {
        return master.commands().scan(cursor, ScanArgs.Builder.matches(KeyPatterns.startingWith(keyPrefix))
                .limit(pageSize));
    }

    /** Reads the Cluster's topology now, instead of at the next periodic or adaptive refresh. */
    public void refreshTopology() {
        if (client instanceof RedisClusterClient clusterClient) {
            clusterClient.refreshPartitions();
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
