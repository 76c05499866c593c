package io.github.pgredis.sink.redis;

/**
 * Names the key that holds a row's version and delete marker. It always hashes to the row key's Redis Cluster slot:
 * a row key with a hash tag lends it its tag (the prefix holds no brace), and any other row key becomes the tag.
 */
public final class VersionKeys {
    private final String prefix;

    public VersionKeys(String internalKeyPrefix) {
        this.prefix = internalKeyPrefix + "v";
    }

    public String of(String rowKey) {
        if (hasHashTag(rowKey)) {
            return prefix + rowKey;
        }
        return prefix + "{" + rowKey + "}";
    }

    static boolean hasHashTag(String key) {
        int open = key.indexOf('{');
        if (open < 0) {
            return false;
        }
        int close = key.indexOf('}', open + 1);
        return close > open + 1;
    }
}
