package io.github.pgredis.sink.redis;

import java.io.File;
import java.net.URI;
import java.time.Duration;

import io.github.pgredis.sink.RedisSinkConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;

/** Builds Lettuce clients from the sink configuration. */
public final class RedisClients {
    private static final int DEFAULT_PORT = 6379;

    private RedisClients() {
    }

    public static RedisClient create(RedisSinkConfig config) {
        RedisClient client = RedisClient.create(uri(config));
        client.setOptions(options(config));
        return client;
    }

    static RedisURI uri(RedisSinkConfig config) {
        URI uri = config.redisUri();
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(uri.getHost())
                .withPort(uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT)
                .withTimeout(Duration.ofMillis(config.redisTimeoutMs()))
                .withClientName("pgredis-sink");
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            builder.withDatabase(Integer.parseInt(path.substring(1)));
        }
        if (config.tlsEnabled()) {
            builder.withSsl(true).withVerifyPeer(switch (config.tlsVerifyMode()) {
                case FULL -> SslVerifyMode.FULL;
                case CA -> SslVerifyMode.CA;
                case NONE -> SslVerifyMode.NONE;
            });
        }
        String password = config.redisPassword() == null ? null : config.redisPassword().value();
        String username = config.redisUsername();
        if (password != null && !password.isEmpty()) {
            if (username != null && !username.isBlank()) {
                builder.withAuthentication(username, password.toCharArray());
            } else {
                builder.withPassword(password.toCharArray());
            }
        }
        return builder.build();
    }

    private static ClientOptions options(RedisSinkConfig config) {
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                // fail fast while disconnected: the task's own backoff retries the batch
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(config.redisConnectTimeoutMs()))
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(config.redisTimeoutMs())));
        if (config.tlsEnabled()) {
            SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
            String truststore = config.tlsTruststorePath();
            if (truststore != null && !truststore.isBlank()) {
                String password = config.tlsTruststorePassword() == null ? null
                        : config.tlsTruststorePassword().value();
                ssl.truststore(new File(truststore), password);
            }
            options.sslOptions(ssl.build());
        }
        return options.build();
    }
}
