package io.github.pgredis.sink.redis;

/**
 * Everything needed to reach one standalone Redis server, already validated. Its {@link #toString()} names the
 * server without credentials, for logs and error messages.
 */
public record RedisSettings(String host, int port, int database, boolean tls, TlsVerifyMode tlsVerifyMode,
        String truststorePath, String truststorePassword, String keystorePath, String keystorePassword,
        String username, String password, long timeoutMs, long connectTimeoutMs) {

    /** The same server with both timeouts at most {@code limitMs}: for checks that must answer quickly. */
    public RedisSettings withTimeoutsAtMost(long limitMs) {
        return new RedisSettings(host, port, database, tls, tlsVerifyMode, truststorePath, truststorePassword,
                keystorePath, keystorePassword, username, password, Math.min(timeoutMs, limitMs), Math.min(connectTimeoutMs, limitMs));
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
    }
}
