package io.github.pgredis.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.sink.RedisSinkConfig;

/**
 * Command line: compares PostgreSQL tables with Redis; exit 0 in sync, 1 drift, 2 could not check.
 *
 * <pre>
 * verify --pg jdbc:postgresql://host:port/db [--pg-user U] [--pg-password P]
 *        [--sink-config redis-sink.json] [--set key=value ...] [--topic-prefix pg] [table ...]
 * </pre>
 * The sink settings (redis.uri, credentials, key.template, value.format, ...) come from the sink connector JSON, so
 * the check uses exactly the rules the sink runs with; --set overrides single keys. PGPASSWORD works as well.
 */
public final class VerifierMain {
    private VerifierMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String pgUrl = null;
        String pgUser = System.getenv().getOrDefault("PGUSER", "postgres");
        String pgPassword = System.getenv().getOrDefault("PGPASSWORD", "");
        String topicPrefix = "pg";
        Map<String, String> sinkProps = new HashMap<>();
        List<String> tables = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--pg" -> pgUrl = args[++i];
                    case "--pg-user" -> pgUser = args[++i];
                    case "--pg-password" -> pgPassword = args[++i];
                    case "--topic-prefix" -> topicPrefix = args[++i];
                    case "--sink-config" -> sinkProps.putAll(readConnectorConfig(Path.of(args[++i])));
                    case "--set" -> {
                        String[] pair = args[++i].split("=", 2);
                        sinkProps.put(pair[0], pair.length > 1 ? pair[1] : "");
                    }
                    default -> tables.add(args[i]);
                }
            }
            if (pgUrl == null) {
                System.err.println("usage: verify --pg jdbc:postgresql://host:port/db [--sink-config file.json] "
                        + "[--set key=value] [--topic-prefix pg] [table ...]");
                return 2;
            }
            List<ConsistencyVerifier.TableReport> reports = ConsistencyVerifier.check(pgUrl, pgUser, pgPassword,
                    RedisSinkConfig.checked(sinkProps), topicPrefix, tables);
            return ConsistencyVerifier.print(reports, System.out) ? 0 : 1;
        } catch (Exception e) {
            System.err.println("verify: cannot check: " + e.getMessage());
            return 2;
        }
    }

    /** The "config" object of a connector JSON file (or the file itself when it is a flat object). */
    static Map<String, String> readConnectorConfig(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        JsonNode config = root.has("config") ? root.get("config") : root;
        Map<String, String> props = new HashMap<>();
        config.properties().forEach(entry -> props.put(entry.getKey(), entry.getValue().asText()));
        return props;
    }
}
