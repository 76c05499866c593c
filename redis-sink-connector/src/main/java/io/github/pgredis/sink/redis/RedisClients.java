package io.github.pgredis.sink.redis;

import java.io.File;
import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;

/** Builds Lettuce clients from validated connection settings. */
public final class RedisClients {
    private RedisClients() {
    }

    public static RedisClient create(RedisSettings settings) {
        // options first: a keystore or truststore that cannot be read fails before a client needs shutting down
        ClientOptions options = options(settings);
        RedisClient client = RedisClient.create(uri(settings));
        client.setOptions(options);
        return client;
    }

    static RedisURI uri(RedisSettings settings) {
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(settings.host())
                .withPort(settings.port())
                .withDatabase(settings.database())
                .withTimeout(Duration.ofMillis(settings.timeoutMs()))
                .withClientName("pgredis-sink");
        if (settings.tls()) {
            builder.withSsl(true).withVerifyPeer(switch (settings.tlsVerifyMode()) {
                case FULL -> SslVerifyMode.FULL;
                case CA -> SslVerifyMode.CA;
                case NONE -> SslVerifyMode.NONE;
            });
        }
        String password = settings.password();
        if (password != null && !password.isEmpty()) {
            if (settings.username() != null && !settings.username().isBlank()) {
                builder.withAuthentication(settings.username(), password.toCharArray());
            } else {
                builder.withPassword(password.toCharArray());
            }
        }
        return builder.build();
    }

    private static ClientOptions options(RedisSettings settings) {
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                // fail fast while disconnected: the task's own backoff retries the batch
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(settings.timeoutMs())));
        if (settings.tls()) {
            SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
            if (settings.truststorePath() != null && !settings.truststorePath().isBlank()) {
                ssl.truststore(new File(settings.truststorePath()), settings.truststorePassword());
            }
            if (settings.keystorePath() != null && !settings.keystorePath().isBlank()) {
                String password = settings.keystorePassword() == null ? "" : settings.keystorePassword();
                ssl.keystore(new File(settings.keystorePath()), password.toCharArray());
            }
            options.sslOptions(ssl.build());
        }
        return options.build();
    }
}
