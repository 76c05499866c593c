package io.github.pgredis.sink.redis;

/** Patterns of Redis's SCAN MATCH. */
public final class KeyPatterns {
    private KeyPatterns() {
    }

    /** Escapes the glob characters of Redis's SCAN MATCH so that the text matches only itself. */
    public static String globLiteral(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Matches every key that starts with {@code prefix}. */
    public static String startingWith(String prefix) {
        return globLiteral(prefix) + "*";
    }
}
