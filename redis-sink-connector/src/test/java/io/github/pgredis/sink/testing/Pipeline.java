package io.github.pgredis.sink.testing;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** The servers of a whole-pipeline test: PostgreSQL, Redis and a Connect cluster, stopped in reverse order. */
public record Pipeline(PostgresServer postgres, RedisServer redis, EmbeddedConnectCluster connect)
        implements AutoCloseable {

    public static Pipeline start(String name) {
        return start(name, 1);
    }

    public static Pipeline start(String name, int workers) {
        return new Pipeline(PostgresServer.start(), RedisServer.start(), ConnectClusters.start(name, workers));
    }

    @Override
    public void close() {
        connect.stop();
        redis.close();
        postgres.close();
    }
}
