package io.github.pgredis.sink.mapping;

/**
 * Percent-escaping of the values substituted into a key. Key values escape '%', ':' and the braces; schema, table
 * and topic names also escape '.', which separates schema from table. The result is injective and never holds a
 * brace, so it cannot create or break a Redis Cluster hash tag.
 */
public final class KeyEscaping {
    private KeyEscaping() {
    }

    public static void appendValue(StringBuilder out, String value) {
        append(out, value, false);
    }

    public static void appendIdentifier(StringBuilder out, String identifier) {
        append(out, identifier, true);
    }

    private static void append(StringBuilder out, String text, boolean escapeDot) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case ':' -> out.append("%3A");
                case '{' -> out.append("%7B");
                case '}' -> out.append("%7D");
                case '.' -> out.append(escapeDot ? "%2E" : ".");
                default -> out.append(c);
            }
        }
    }
}
