package io.github.pgredis.sink.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A master, its replicas and three Sentinels watching it, all real processes owned by a test. */
public final class RedisSentinels implements AutoCloseable {
    public static final String MASTER_NAME = "pgredis";

    private final List<RedisServer> dataNodes;
    private final List<RedisServer> sentinels;
    private final RedisServer.TlsFiles tls;
    private final Path tlsDir;

    private RedisSentinels(List<RedisServer> dataNodes, List<RedisServer> sentinels, RedisServer.TlsFiles tls,
            Path tlsDir) {
        this.dataNodes = dataNodes;
        this.sentinels = sentinels;
        this.tls = tls;
        this.tlsDir = tlsDir;
    }

    /** Starts a master with {@code replicas} replicas and three Sentinels, and waits until the replicas are in sync. */
    public static RedisSentinels start(int replicas) {
        return start(replicas, false);
    }

    /** As {@link #start(int)}; with {@code tls}, every data node and sentinel speaks only TLS ({@link #tls()}). */
    public static RedisSentinels start(int replicas, boolean tls) {
        List<RedisServer> dataNodes = new ArrayList<>();
        List<RedisServer> sentinels = new ArrayList<>();
        Path tlsDir = tls ? ServerDirectories.create("redis-sentinel-tls-") : null;
        RedisServer.TlsFiles files = tls ? RedisServer.TlsFiles.create(tlsDir) : null;
        RedisSentinels set = new RedisSentinels(dataNodes, sentinels, files, tlsDir);
        List<String> args = new ArrayList<>(List.of("--save", "", "--appendonly", "no"));
        if (tls) {
            args.addAll(List.of("--tls-replication", "yes"));
        }
        try {
            RedisServer master = tls ? RedisServer.startTls(args, files) : RedisServer.start(args);
            dataNodes.add(master);
            for (int i = 0; i < replicas; i++) {
                List<String> replica = new ArrayList<>(args);
                replica.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
                dataNodes.add(tls ? RedisServer.startTls(replica, files) : RedisServer.start(replica));
            }
            ConnectClusters.await(Duration.ofSeconds(30), "replicas in sync", () -> master.commands()
                    .info("replication").contains("connected_slaves:" + replicas));
            for (int i = 0; i < 3; i++) {
                sentinels.add(RedisServer.startSentinel(master, MASTER_NAME));
            }
            ConnectClusters.await(Duration.ofSeconds(30), "every sentinel sees the replicas and the other sentinels",
                    () -> sentinels.stream().allMatch(sentinel -> sentinel.commands().info("sentinel")
                            .contains("slaves=" + replicas + ",sentinels=3")));
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /** The certificates of a TLS set, or null. */
    public RedisServer.TlsFiles tls() {
        return tls;
    }

    /** As redis.uri takes it with redis.topology=sentinel. */
    public String uri() {
        return (tls == null ? "redis-sentinel://" : "rediss-sentinel://")
                + sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port())
                .collect(Collectors.joining(",")) + "/0#" + MASTER_NAME;
    }

    /** The live data node that is a master now. */
    public RedisServer master() {
        for (RedisServer node : dataNodes) {
            try {
                if (node.commands().info("replication").contains("role:master")) {
                    return node;
                }
            } catch (RuntimeException killed) {
                // a node the test killed
            }
        }
        throw new IllegalStateException("no data node is a master");
    }

    /** Waits until Sentinel promoted a replica other than {@code old}, and every other live node follows it. */
    public RedisServer awaitFailoverFrom(RedisServer old) {
        ConnectClusters.await(Duration.ofSeconds(60), "a replica promoted in place of port " + old.port(), () -> {
            try {
                return master() != old;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
        return master();
    }

    @Override
    public void close() {
        Stream.concat(sentinels.stream(), dataNodes.stream()).forEach(RedisServer::close);
        if (tlsDir != null) {
            ServerDirectories.delete(tlsDir);
        }
    }
}
