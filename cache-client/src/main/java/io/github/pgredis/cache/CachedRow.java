package io.github.pgredis.cache;

import java.util.Map;

/**
 * A row as Redis stores it under the sink's rules: for value.format=hash its fields (column to text, NULL columns
 * absent), for json its document. {@code fromCache} says whether Redis answered (a hit) or PostgreSQL did.
 */
public record CachedRow(String key, Map<String, String> fields, String document, boolean fromCache) {
}
