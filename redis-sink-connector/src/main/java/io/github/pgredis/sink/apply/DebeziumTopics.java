package io.github.pgredis.sink.apply;

/**
 * Debezium's default topic names, {@code <topic.prefix>.<schema>.<table>} with characters besides
 * {@code [A-Za-z0-9._-]} as {@code _}: how the sink finds a table's topic, and a topic's Debezium connector.
 */
final class DebeziumTopics {
    private DebeziumTopics() {
    }

    /** The topic of a table ({@code schema.table}) of the Debezium connector with that topic.prefix. */
    static String of(String topicPrefix, String table) {
        return sanitized(topicPrefix + "." + table);
    }

    /** The topic.prefix of a topic Debezium named after the table ({@code schema.table}), or null. */
    static String prefixOf(String topic, String table) {
        String suffix = sanitized("." + table);
        return topic.endsWith(suffix) && topic.length() > suffix.length()
                ? topic.substring(0, topic.length() - suffix.length()) : null;
    }

    private static String sanitized(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
