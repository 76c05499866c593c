package io.github.pgredis.sink.redis;

import java.io.File;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.protocol.ProtocolVersion;

/** Builds Lettuce clients from validated connection settings. */
public final class RedisClients {
    /**
     * How often a cluster client reads the topology even when nothing told it to; MOVED, ASK and reconnects make it
     * read it at once (Lettuce 7's adaptive refresh).
     */
    static final Duration CLUSTER_TOPOLOGY_REFRESH = Duration.ofSeconds(5);

    private RedisClients() {
    }

    /** A client for a standalone server or a master found through Sentinel. */
    public static RedisClient create(RedisSettings settings) {
        if (settings.topology() == Topology.CLUSTER) {
            throw new IllegalArgumentException("a Redis Cluster needs a cluster client: " + settings);
        }
        // options first: a keystore or truststore that cannot be read fails before a client needs shutting down
        ClientOptions options = options(ClientOptions.builder(), settings).build();
        RedisClient client = RedisClient.create(uri(settings));
        client.setOptions(options);
        return client;
    }

    /** A client for a Redis Cluster, seeded with the nodes of the settings. */
    static RedisClusterClient createCluster(RedisSettings settings) {
        ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
        options(builder, settings);
        ClusterClientOptions options = builder
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(CLUSTER_TOPOLOGY_REFRESH)
                        .build())
                .build();
        List<RedisURI> seeds = settings.endpoints().stream()
                .map(endpoint -> node(settings, endpoint).build()).toList();
        RedisClusterClient client = RedisClusterClient.create(seeds);
        client.setOptions(options);
        return client;
    }

    static RedisURI uri(RedisSettings settings) {
        if (settings.topology() != Topology.SENTINEL) {
            return node(settings, settings.endpoints().get(0)).withDatabase(settings.database()).build();
        }
        RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(settings.sentinelMaster());
        for (RedisSettings.Endpoint sentinel : settings.endpoints()) {
            builder.withSentinel(secured(RedisURI.builder().withHost(sentinel.host()).withPort(sentinel.port()),
                    settings).withTimeout(Duration.ofMillis(settings.timeoutMs())).build());
        }
        return authenticated(secured(builder, settings), settings)
                .withDatabase(settings.database())
                .withTimeout(Duration.ofMillis(settings.timeoutMs()))
                .withClientName("pgredis-sink")
                .build();
    }

    private static RedisURI.Builder node(RedisSettings settings, RedisSettings.Endpoint endpoint) {
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(endpoint.host())
                .withPort(endpoint.port())
                .withTimeout(Duration.ofMillis(settings.timeoutMs()))
                .withClientName("pgredis-sink");
        return authenticated(secured(builder, settings), settings);
    }

    private static RedisURI.Builder secured(RedisURI.Builder builder, RedisSettings settings) {
        if (settings.tls().enabled()) {
            builder.withSsl(true).withVerifyPeer(switch (settings.tls().verifyMode()) {
                case FULL -> SslVerifyMode.FULL;
                case CA -> SslVerifyMode.CA;
                case NONE -> SslVerifyMode.NONE;
            });
        }
        return builder;
    }

    private static RedisURI.Builder authenticated(RedisURI.Builder builder, RedisSettings settings) {
        String password = settings.password();
        if (password != null && !password.isEmpty()) {
            if (settings.username() != null && !settings.username().isBlank()) {
                builder.withAuthentication(settings.username(), password.toCharArray());
            } else {
                builder.withPassword(password.toCharArray());
            }
        }
        return builder;
    }

    private static <B extends ClientOptions.Builder> B options(B options, RedisSettings settings) {
        options.autoReconnect(true)
                // fail fast while disconnected: the task's own backoff retries the batch
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(settings.timeoutMs())));
        RedisSettings.Tls tls = settings.tls();
        if (tls.enabled()) {
            SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
            if (!tls.truststorePath().isBlank()) {
                ssl.truststore(new File(tls.truststorePath()), tls.truststorePassword());
            }
            if (!tls.keystorePath().isBlank()) {
                String password = tls.keystorePassword() == null ? "" : tls.keystorePassword();
                ssl.keystore(new File(tls.keystorePath()), password.toCharArray());
            } else if (!tls.certificatePath().isBlank()) {
                ssl.keyManager(new File(tls.certificatePath()), new File(tls.keyPath()), null);
            }
            options.sslOptions(ssl.build());
        }
        return options;
    }
}
