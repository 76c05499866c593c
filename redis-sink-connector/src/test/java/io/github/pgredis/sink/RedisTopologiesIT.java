package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.redis.AclProbe;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.testing.AclRules;
import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisCluster;
import io.github.pgredis.sink.testing.RedisSentinels;
import io.github.pgredis.sink.testing.StubSinkTaskContext;
import io.lettuce.core.cluster.SlotHash;
import io.github.pgredis.sink.testing.RedisServer;

/** The sink's session, validation and writes on real Redis Clusters and Sentinel sets, plain and TLS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTopologiesIT {
    private final RedisCluster cluster = RedisCluster.start(3);

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aClusterSessionSeesEveryMasterAndPassesTheAclProbe() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, cluster.uri(),
                RedisSinkConfig.REDIS_TOPOLOGY, "cluster", RedisSinkConfig.REDIS_WAIT_REPLICAS, "1"));
        try (RedisSession session = AclProbe.openChecked(config.redisSettings(), "__pgr:", false, true)) {
            assertThat(session.fences()).hasSize(3);
        }
    }

    @Test
    void validateReachesTheClusterAndNamesTheKeyAtFault() {
        Map<String, String> props = new HashMap<>(ConnectClusters.sinkConfig(cluster.uri()));
        props.put(RedisSinkConfig.REDIS_TOPOLOGY, "cluster");
        props.put(RedisSinkConfig.REDIS_WAIT_REPLICAS, "1");
        long start = System.nanoTime();
        assertThat(errors(new RedisSinkConnector().validate(props))).isEmpty();
        System.out.println("validate took " + (System.nanoTime() - start) / 1_000_000 + " ms");

        props.put(RedisSinkConfig.REDIS_PASSWORD, "wrong");
        assertThat(errors(new RedisSinkConnector().validate(props))).singleElement().asString()
                .startsWith(RedisSinkConfig.REDIS_PASSWORD + ": Cannot use Redis at " + cluster.uri() + " (cluster)");
    }

    @Test
    void inAClusterTheDocumentedUserNeedsClusterNodesBesides() {
        List<String> rule = new ArrayList<>(AclRules.documented("sink-acl"));
        cluster.nodes().forEach(node -> AclRules.create(node.commands(), rule, "cluster-sink-bare", "pw"));
        rule.addAll(List.of("+wait", "+cluster|nodes"));
        cluster.nodes().forEach(node -> AclRules.create(node.commands(), rule, "cluster-sink", "pw"));
        Map<String, String> props = new HashMap<>(ConnectClusters.sinkConfig(cluster.uri()));
        props.put(RedisSinkConfig.REDIS_TOPOLOGY, "cluster");
        props.put(RedisSinkConfig.REDIS_WAIT_REPLICAS, "1");
        props.put(RedisSinkConfig.REDIS_USERNAME, "cluster-sink");
        props.put(RedisSinkConfig.REDIS_PASSWORD, "pw");
        assertThat(errors(new RedisSinkConnector().validate(props))).isEmpty();
        props.put(RedisSinkConfig.REDIS_USERNAME, "cluster-sink-bare");
        assertThat(errors(new RedisSinkConnector().validate(props))).as("without +cluster|nodes Lettuce cannot read "
                + "the topology").singleElement().asString().startsWith(RedisSinkConfig.REDIS_USERNAME + ": ")
                .contains("NOPERM").contains("reading the topology");
    }

    @Test
    void aCopyOfTheOffsetsMovedWithItsSlotStillCountsForTheMasterThatWroteIt() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, cluster.uri(),
                RedisSinkConfig.REDIS_TOPOLOGY, "cluster"));
        OffsetStore store = new OffsetStore("__pgr:", "moved-copy");
        TopicPartition partition = new TopicPartition("t", 0);
        try (RedisSession session = RedisSession.open(config.redisSettings())) {
            store.record(session, Map.of(partition, 100L));
            RedisConnection.Master first = session.masters().get(0);
            String copy = store.copyKeys(session, session.masters()).get(first.id());
            RedisServer other = cluster.masters().stream()
                    .filter(master -> master.port() != cluster.ownerOf(SlotHash.getSlot(copy))).findFirst().orElseThrow();
            cluster.moveSlot(SlotHash.getSlot(copy), other);
            session.refreshFences();
            assertThat(store.read(session)).as("no master lost anything: no rewind past 100")
                    .containsEntry(partition, 100L);
            store.record(session, Map.of(partition, 120L));
            assertThat(store.read(session)).containsEntry(partition, 120L);
        }
    }

    @Test
    void aSessionOpensWhileAKilledMasterIsStillASeed() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, cluster.uri(),
                RedisSinkConfig.REDIS_TOPOLOGY, "cluster"));
        RedisServer victim = cluster.masters().get(0);
        RedisServer heir = cluster.replicaOf(victim);
        victim.kill();
        cluster.awaitPromoted(heir);
        try (RedisSession session = RedisSession.open(config.redisSettings())) {
            assertThat(session.fences()).hasSize(3);
        } finally {
            cluster.rejoin(victim, heir);
        }
    }

    @Test
    void theSinkWritesToATlsClusterAndATlsSentinelSetWithFullVerification() {
        try (RedisCluster tlsCluster = RedisCluster.start(3, true);
                RedisSentinels tlsSentinels = RedisSentinels.start(1, true)) {
            assertThat(writeThroughTask(tlsCluster.uri(), "cluster", tlsCluster.tls())).isEqualTo("over tls");
            assertThat(writeThroughTask(tlsSentinels.uri(), "sentinel", tlsSentinels.tls())).isEqualTo("over tls");
            assertThat(tlsSentinels.master().commands().hget("public.users:1", "name")).isEqualTo("over tls");
        }
    }

    /**
     * A batch of 200 rows, once with the default key template (rows in slots over every master, a call each) and once
     * with a hash tag that puts the whole table into one slot (calls of many rows): every row lands.
     */
    @Test
    void aBatchOverEveryMasterOrIntoOneSlotAppliesEveryRow() {
        for (String template : List.of("${collection}:${key}", "{${collection}}:${key}")) {
            Map<String, String> config = new HashMap<>(Map.of("name", "slots", RedisSinkConfig.REDIS_URI,
                    cluster.uri(), RedisSinkConfig.REDIS_TOPOLOGY, "cluster", RedisSinkConfig.KEY_TEMPLATE, template,
                    RedisSinkConfig.INTERNAL_KEY_PREFIX, "__slots" + template.length() + ":"));
            ChangeRecords users = ChangeRecords.users();
            List<org.apache.kafka.connect.sink.SinkRecord> batch = new ArrayList<>();
            for (int id = 1; id <= 200; id++) {
                batch.add(users.create(100 + id, users.row("id", id, "name", "user " + id)));
            }
            io.github.pgredis.sink.RedisSinkTask task = new io.github.pgredis.sink.RedisSinkTask();
            task.initialize(new StubSinkTaskContext(config));
            task.start(config);
            try {
                task.open(List.of(new TopicPartition(users.topic(), 0)));
                StubSinkTaskContext.putAndSettle(task, batch);
            } finally {
                task.stop();
            }
            try (RedisConnection connection = RedisConnection.open(new RedisSinkConfig(config).redisSettings())) {
                for (int id = 1; id <= 200; id++) {
                    String key = template.replace("${collection}", "public.users").replace("${key}", "" + id);
                    assertThat(RedisSession.await(connection.commands().hget(key, "name"), 5_000)).as(key)
                            .isEqualTo("user " + id);
                }
            }
        }
    }

    /** Validates a sink for the topology, writes one row through a task and reads it back with the sink's settings. */
    private static String writeThroughTask(String uri, String topology, RedisServer.TlsFiles tls) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "tls-" + topology);
        config.put(RedisSinkConfig.REDIS_URI, uri);
        config.put(RedisSinkConfig.REDIS_TOPOLOGY, topology);
        config.put(RedisSinkConfig.REDIS_TLS_VERIFY_MODE, "FULL");
        config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, tls.truststore().toString());
        config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PASSWORD, tls.truststorePassword());
        assertThat(errors(new RedisSinkConnector().validate(config))).isEmpty();
        StubSinkTaskContext.writeUserThroughTask(config, "over tls");
        try (RedisConnection connection = RedisConnection.open(new RedisSinkConfig(config).redisSettings())) {
            return RedisSession.await(connection.commands().hget("public.users:1", "name"), 5_000);
        }
    }

    private static List<String> errors(Config config) {
        return config.configValues().stream().flatMap(value -> value.errorMessages().stream()
                .map(message -> value.name() + ": " + message)).toList();
    }
}
