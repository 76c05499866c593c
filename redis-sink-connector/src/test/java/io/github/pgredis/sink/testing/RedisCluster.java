package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.SlotHash;

/**
 * A Redis Cluster of real redis-server processes owned by a test: masters with one replica each, made with
 * {@code redis-cli --cluster create}, with a short node timeout so that a killed master's replica takes over within
 * seconds.
 */
public final class RedisCluster implements AutoCloseable {
    /** How long a node may be unreachable before the cluster counts it as failed. */
    public static final int NODE_TIMEOUT_MS = 2_000;

    private final List<RedisServer> nodes;
    private final RedisServer.TlsFiles tls;
    private final Path tlsDir;

    private RedisCluster(List<RedisServer> nodes, RedisServer.TlsFiles tls, Path tlsDir) {
        this.nodes = nodes;
        this.tls = tls;
        this.tlsDir = tlsDir;
    }

    /** Starts {@code masters} masters and as many replicas, and waits until every slot is served. */
    public static RedisCluster start(int masters) {
        return start(masters, false);
    }

    /**
     * As {@link #start(int)}; with {@code tls}, every node speaks only TLS, to clients, replicas and the cluster bus,
     * with certificates of one test CA ({@link #tls()}).
     */
    public static RedisCluster start(int masters, boolean tls) {
        List<RedisServer> nodes = new ArrayList<>();
        Path tlsDir = tls ? ServerDirectories.create("redis-cluster-tls-") : null;
        RedisServer.TlsFiles files = tls ? RedisServer.TlsFiles.create(tlsDir) : null;
        RedisCluster cluster = new RedisCluster(nodes, files, tlsDir);
        List<String> args = new ArrayList<>(List.of("--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MS),
                "--cluster-replica-validity-factor", "0"));
        if (tls) {
            args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
        }
        try {
            for (int i = 0; i < 2 * masters; i++) {
                nodes.add(tls ? RedisServer.startTls(args, files) : RedisServer.start(args));
            }
            if (masters >= 3) {
                List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
                nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
                create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
                cluster.redisCli(create);
            } else {
                cluster.assemble(masters);
            }
            cluster.awaitHealthy();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The certificates of a TLS cluster, or null. */
    public RedisServer.TlsFiles tls() {
        return tls;
    }

    /** The seed nodes, as redis.uri takes them with redis.topology=cluster. */
    public String uri() {
        return (tls == null ? "redis://" : "rediss://")
                + nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** CLUSTER NODES as one node (that is not failed) sees it: the id, flags and slots per port. */
    public Map<Integer, NodeInfo> topology() {
        for (RedisServer node : nodes) {
            try {
                Map<Integer, NodeInfo> byPort = new TreeMap<>();
                for (String line : node.commands().clusterNodes().split("\n")) {
                    String[] fields = line.trim().split(" ");
                    if (fields.length < 8) {
                        continue;
                    }
                    int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1).split("[@,]")[0]);
                    boolean master = fields[2].contains("master") && !fields[2].contains("fail");
                    byPort.put(port, new NodeInfo(fields[0], port, master, fields[3], fields.length > 8));
                }
                return byPort;
            } catch (RuntimeException unreachable) {
                // a killed node: ask the next one
            }
        }
        throw new IllegalStateException("no node of the cluster answers");
    }

    /** One line of CLUSTER NODES: {@code masterId} is the master a replica follows ("-" for a master). */
    public record NodeInfo(String id, int port, boolean master, String masterId, boolean hasSlots) {
    }

    public RedisServer node(int port) {
        return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    /** The live masters that serve slots. */
    public List<RedisServer> masters() {
        return topology().values().stream().filter(info -> info.master() && info.hasSlots())
                .map(info -> node(info.port())).toList();
    }

    /** The port of the live master that serves the slot. */
    public int ownerOf(int slot) {
        for (RedisServer node : nodes) {
            try {
                for (Object range : node.commands().clusterSlots()) {
                    List<?> fields = (List<?>) range;
                    if (((Long) fields.get(0)) <= slot && slot <= ((Long) fields.get(1))) {
                        return ((Long) ((List<?>) fields.get(2)).get(1)).intValue();
                    }
                }
            } catch (RuntimeException unreachable) {
                // a killed node: ask the next one
            }
        }
        throw new IllegalStateException("no node serves slot " + slot);
    }

    /** The replica that follows the master. */
    public RedisServer replicaOf(RedisServer master) {
        String id = topology().get(master.port()).id();
        return topology().values().stream().filter(info -> info.masterId().equals(id))
                .map(info -> node(info.port())).findFirst().orElseThrow();
    }

    /** Waits until the replica is a master and every slot is served again (after its master died). */
    public void awaitPromoted(RedisServer replica) {
        ConnectClusters.await(java.time.Duration.ofSeconds(60), "port " + replica.port() + " promoted",
                () -> {
                    try {
                        return replica.commands().info("replication").contains("role:master");
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                });
        awaitHealthy();
    }

    /**
     * Starts a killed node again, as an orchestrator would: it rejoins with its node id (nodes.conf) as a replica of
     * the master that took its place, and syncs from it.
     */
    public void rejoin(RedisServer killed, RedisServer master) {
        killed.restart();
        ConnectClusters.await(java.time.Duration.ofSeconds(60), "port " + killed.port() + " replicating again",
                () -> {
                    try {
                        return master.commands().info("replication").contains("connected_slaves:1")
                                && killed.commands().info("replication").contains("master_link_status:up");
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                });
        awaitHealthy();
    }

    /** Moves {@code slots} slots, with their keys, from one master to another (redis-cli --cluster reshard). */
    public void reshard(RedisServer from, RedisServer to, int slots) {
        redisCli(List.of("redis-cli", "--cluster", "reshard", "127.0.0.1:" + from.port(), "--cluster-from",
                topology().get(from.port()).id(), "--cluster-to", topology().get(to.port()).id(), "--cluster-slots",
                Integer.toString(slots), "--cluster-yes"));
        awaitHealthy();
    }

    /** Moves one slot, with its keys, from the master that serves it to {@code to}, as a reshard does. */
    public void moveSlot(int slot, RedisServer to) {
        RedisServer from = node(ownerOf(slot));
        String fromId = topology().get(from.port()).id();
        String toId = topology().get(to.port()).id();
        to.commands().clusterSetSlotImporting(slot, fromId);
        from.commands().clusterSetSlotMigrating(slot, toId);
        List<String> keys;
        while (!(keys = from.commands().clusterGetKeysInSlot(slot, 100)).isEmpty()) {
            from.commands().migrate("127.0.0.1", to.port(), 0, 5_000,
                    io.lettuce.core.MigrateArgs.Builder.keys(keys));
        }
        for (RedisServer master : masters()) {
            master.commands().clusterSetSlotNode(slot, toId);
        }
        awaitHealthy();
    }

    /**
     * What {@code redis-cli --cluster create} does, for fewer than the three masters it requires: the slots split
     * over the first {@code masters} nodes, every node introduced to the first, and each further node a replica.
     */
    private void assemble(int masters) {
        int perMaster = SlotHash.SLOT_COUNT / masters;
        for (int i = 0; i < masters; i++) {
            int last = i == masters - 1 ? SlotHash.SLOT_COUNT - 1 : (i + 1) * perMaster - 1;
            redisCli(List.of("redis-cli", "-p", Integer.toString(nodes.get(i).port()), "cluster", "addslotsrange",
                    Integer.toString(i * perMaster), Integer.toString(last)));
        }
        for (RedisServer node : nodes.subList(1, nodes.size())) {
            node.commands().clusterMeet("127.0.0.1", nodes.get(0).port());
        }
        ConnectClusters.await(java.time.Duration.ofSeconds(60), "every node knows the others", () -> nodes.stream()
                .allMatch(node -> node.commands().clusterInfo().contains("cluster_known_nodes:" + nodes.size())));
        for (int i = 0; i < masters; i++) {
            nodes.get(masters + i).commands().clusterReplicate(nodes.get(i).commands().clusterMyId());
        }
    }

    /** Waits until every live node reports cluster_state:ok. */
    public void awaitHealthy() {
        ConnectClusters.await(java.time.Duration.ofSeconds(60), "cluster_state:ok on every live node", () -> {
            for (RedisServer node : nodes) {
                try {
                    if (!node.commands().clusterInfo().contains("cluster_state:ok")) {
                        return false;
                    }
                } catch (RuntimeException killed) {
                    // a node killed by the test
                }
            }
            return true;
        });
    }

    private void redisCli(List<String> arguments) {
        List<String> command = new ArrayList<>(arguments);
        if (tls != null) {
            command.addAll(1, List.of("--tls", "--cacert", tls.caCert().toString()));
        }
        try {
            Path log = Files.createTempFile("redis-cli-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
            Files.delete(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
        if (tlsDir != null) {
            ServerDirectories.delete(tlsDir);
        }
    }
}
