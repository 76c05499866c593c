package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisCluster;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.cluster.SlotHash;

/**
 * The sink on a Redis Cluster of three masters with a replica each, while about 100,000 changes stream: a master is
 * killed with SIGKILL and its replica takes over, slots move between masters with their keys, and at the end a
 * failover loses writes the old master had acknowledged. Redis must end equal to PostgreSQL every time, no reader
 * may see a row go back while no acknowledged write is lost, and the lost writes must be applied again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final int ROWS = 20_000;
    private final PostgresServer postgres = PostgresServer.start();
    private final RedisCluster cluster = RedisCluster.start(3);
    private final EmbeddedConnectCluster connect = ConnectClusters.start("redis-cluster", 1);
    private final Map<String, String> redis = Map.of(RedisSinkConfig.REDIS_URI, cluster.uri(),
            RedisSinkConfig.REDIS_TOPOLOGY, "cluster");

    @AfterAll
    void stop() {
        connect.stop();
        cluster.close();
        postgres.close();
    }

    @Test
    void failoversAndSlotMigrationsLoseNothingAndALossyFailoverIsRepaired() {
        CounterWorkload workload = CounterWorkload.create(postgres, ROWS);
        Map<String, String> sink = new HashMap<>(redis);
        // a batch counts once the replica of every master holds it: a failover then loses nothing acknowledged
        sink.put(RedisSinkConfig.REDIS_WAIT_REPLICAS, "1");
        workload.connect(connect, redis, sink);
        ConnectClusters.await(WAIT, "the snapshot in Redis", () -> workload.inSync(redis));

        long changes;
        try (MonotonicReader reader = MonotonicReader.start(redis, workload)) {
            CompletableFuture<Integer> load = workload.start(250, 40);
            ConnectClusters.sleep(4_000);
            RedisServer victim = cluster.masters().get(0);
            RedisServer heir = cluster.replicaOf(victim);
            victim.kill();
            cluster.awaitPromoted(heir);
            // until then the new master has no replica, and WAIT holds the sink back (back-pressure, not loss)
            cluster.rejoin(victim, heir);
            assertThat(load).as("the load still running after the failover").isNotDone();

            List<RedisServer> masters = cluster.masters();
            cluster.reshard(masters.get(0), masters.get(1), 500);
            assertThat(load).as("the load still running after the reshard").isNotDone();

            changes = load.join();
            ConnectClusters.await(WAIT, "Redis equal to the table after the failover and the reshard",
                    () -> workload.inSync(redis));
            reader.stop();
            assertThat(reader.violations()).as("rows that went back in time").isEmpty();
            assertThat(reader.reads()).as("samples taken while the sink wrote").isGreaterThan(1_000);
        }
        assertThat(changes).as("changes streamed").isGreaterThan(90_000);
        long reread = reread();
        System.out.printf("RESULT cluster_failover_and_reshard changes=%d reread=%d%n", changes, reread);
        assertThat(reread).as("records read again: the rewinds start near the failover; a replay from the beginning "
                + "would read the snapshot's rows again too").isLessThan(ROWS);

        // without WAIT, a master acknowledges writes its replica may never get
        Map<String, String> noWait = new HashMap<>(sink);
        noWait.remove(RedisSinkConfig.REDIS_WAIT_REPLICAS);
        workload.configureSink(connect, redis, noWait);
        ConnectClusters.await(WAIT, "the sink's tasks running without WAIT", () -> connect.taskConfigs("redis-sink")
                .stream().noneMatch(task -> task.config().containsKey(RedisSinkConfig.REDIS_WAIT_REPLICAS))
                && connect.connectorStatus("redis-sink").tasks().stream()
                        .allMatch(task -> task.state().equals("RUNNING")));
        String key = CounterWorkload.rowKey(ROWS);
        RedisServer master = cluster.masters().stream().filter(node -> node.port()
                == cluster.ownerOf(SlotHash.getSlot(key))).findFirst().orElseThrow();
        RedisServer replica = cluster.replicaOf(master);
        // the replica stops reading; once its backlog passes 64 kB the master drops it, and what the master takes
        // from then on never reaches it (a stopped process still has the kernel's socket buffers, so the drop matters)
        master.commands().configSet("client-output-buffer-limit", "replica 65536 0 0");
        replica.pause();
        for (int round = 0; round < 20 && master.commands().info("replication").contains("connected_slaves:1");
                round++) {
            postgres.execute("UPDATE " + CounterWorkload.TABLE + " SET counter = counter + 1");
            ConnectClusters.await(WAIT, "the update applied", () -> workload.inSync(redis));
        }
        assertThat(master.commands().info("replication")).as("the master dropped its stopped replica")
                .contains("connected_slaves:0");
        postgres.execute("UPDATE " + CounterWorkload.TABLE + " SET counter = counter + 1000, note = 'lost'");
        ConnectClusters.await(WAIT, "the last update applied on the masters", () -> workload.inSync(redis));
        long acknowledged = Long.parseLong(master.commands().hget(key, "counter"));
        long rereadBefore = reread();
        master.kill();
        replica.resume();
        cluster.awaitPromoted(replica);
        long promotedAt = System.nanoTime();
        assertThat(Long.parseLong(replica.commands().hget(key, "counter"))).as("the promoted replica lacks the "
                + "last update its master acknowledged").isLessThanOrEqualTo(acknowledged - 1000);
        ConnectClusters.await(WAIT, "Redis equal to the table again", () -> workload.inSync(redis));
        long lossyReread = reread() - rereadBefore;
        System.out.printf("RESULT cluster_lossy_failover converged_ms=%d reread=%d%n",
                (System.nanoTime() - promotedAt) / 1_000_000, lossyReread);
        assertThat(lossyReread).as("records read again: from where the replica was dropped, not from the beginning")
                .isLessThan(ConnectClusters.topicRecords(connect, CounterWorkload.TOPIC) / 2);
    }

    /**
     * Records the sink read more than once: from each rewind's position up to where its consumer had read (its log
     * says how many of them had counted as applied).
     */
    private long reread() {
        return ConnectClusters.recordsConsumed("redis-sink") - ConnectClusters.topicRecords(connect,
                CounterWorkload.TOPIC);
    }
}
