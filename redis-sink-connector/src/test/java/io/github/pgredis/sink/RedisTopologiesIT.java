package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.redis.AclProbe;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.RedisCluster;
import io.github.pgredis.sink.testing.RedisServer;

/** The sink's session and validation on a real Redis Cluster and a real Sentinel set. */
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

    private static List<String> errors(Config config) {
        return config.configValues().stream().flatMap(value -> value.errorMessages().stream()
                .map(message -> value.name() + ": " + message)).toList();
    }
}
