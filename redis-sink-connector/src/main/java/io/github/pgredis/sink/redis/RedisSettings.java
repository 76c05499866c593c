package io.github.pgredis.sink.redis;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything needed to reach a Redis deployment, already validated: the server (standalone), the seed nodes
 * (cluster) or the sentinels and the master's name (sentinel). Its {@link #toString()} names the deployment without
 * credentials, for logs and error messages.
 */
public record RedisSettings(Topology topology, List<Endpoint> endpoints, String sentinelMaster, int database,
        Tls tls, String username, String password, long timeoutMs, long connectTimeoutMs) {

    /**
     * TLS, when {@code enabled}: how the server's certificate is checked and against what (empty: the JVM's trusted
     * CAs), and the sink's own certificate, from a keystore or from PEM files (empty: none).
     */
    public record Tls(boolean enabled, TlsVerifyMode verifyMode, String truststorePath, String truststorePassword,
            String keystorePath, String keystorePassword, String certificatePath, String keyPath) {
    }

    /** One host and port of {@code redis.uri}. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public RedisSettings {
        endpoints = List.copyOf(endpoints);
    }

    /** The same deployment with both timeouts at most {@code limitMs}: for checks that must answer quickly. */
    public RedisSettings withTimeoutsAtMost(long limitMs) {
        return new RedisSettings(topology, endpoints, sentinelMaster, database, tls, username, password,
                Math.min(timeoutMs, limitMs), Math.min(connectTimeoutMs, limitMs));
    }

    @Override
    public String toString() {
        String hosts = endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(","));
        boolean tls = this.tls.enabled();
        return switch (topology) {
            case STANDALONE -> (tls ? "rediss://" : "redis://") + hosts + "/" + database;
            case CLUSTER -> (tls ? "rediss://" : "redis://") + hosts + " (cluster)";
            case SENTINEL -> (tls ? "rediss-sentinel://" : "redis-sentinel://") + hosts + "/" + database + "#"
                    + sentinelMaster;
        };
    }
}
