package io.github.pgredis.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads this module's connector files as ./stack.sh does: ${NAME} placeholders filled, name folded into config. */
final class ConnectorFiles {
    static final Path DIRECTORY = Path.of("connectors");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");

    private ConnectorFiles() {
    }

    static Map<String, String> load(Path file, Map<String, String> values) throws IOException {
        Matcher matcher = PLACEHOLDER.matcher(Files.readString(file, StandardCharsets.UTF_8));
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + matcher.group(1) + "} in " + file);
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(filled);
        JsonNode root = new ObjectMapper().readTree(filled.toString());
        Map<String, String> config = new HashMap<>();
        config.put("name", root.get("name").asText());
        root.get("config").properties().forEach(entry -> config.put(entry.getKey(), entry.getValue().asText()));
        return config;
    }
}
