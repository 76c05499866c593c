package io.github.pgredis.bench;

import java.util.List;
import java.util.Map;

import io.github.pgredis.sink.testing.RedisCluster;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * The Redis a run writes to, one server or a Cluster: how the sink reaches it, the servers whose data, statistics and
 * CPU a run counts (a Cluster's masters), and a reader of rows wherever they are.
 */
interface BenchRedis extends AutoCloseable {
    String uri();

    /** The sink's settings besides redis.uri. */
    Map<String, String> sinkSettings();

    List<RedisCommands<String, String>> servers();

    RedisClusterCommands<String, String> reader();

    @Override
    void close();

    static BenchRedis of(RedisServer server) {
        return new BenchRedis() {
            @Override
            public String uri() {
                return server.uri();
            }

            @Override
            public Map<String, String> sinkSettings() {
                return Map.of();
            }

            @Override
            public List<RedisCommands<String, String>> servers() {
                return List.of(server.commands());
            }

            @Override
            public RedisClusterCommands<String, String> reader() {
                return server.commands();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** A Cluster of {@code masters} masters, each with a replica (whose CPU is not counted). */
    static BenchRedis cluster(int masters) {
        RedisCluster cluster = RedisCluster.start(masters);
        RedisClusterClient client = RedisClusterClient.create(cluster.uri());
        StatefulRedisClusterConnection<String, String> connection;
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            cluster.close();
            throw e;
        }
        return new BenchRedis() {
            @Override
            public String uri() {
                return cluster.uri();
            }

            @Override
            public Map<String, String> sinkSettings() {
                return Map.of("redis.topology", "cluster");
            }

            @Override
            public List<RedisCommands<String, String>> servers() {
                return cluster.masters().stream().map(RedisServer::commands).toList();
            }

            @Override
            public RedisClusterCommands<String, String> reader() {
                return connection.sync();
            }

            @Override
            public void close() {
                connection.close();
                client.shutdown();
                cluster.close();
            }
        };
    }
}
