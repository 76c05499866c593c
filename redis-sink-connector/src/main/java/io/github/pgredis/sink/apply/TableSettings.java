package io.github.pgredis.sink.apply;

import io.github.pgredis.sink.mapping.ColumnSelection;
import io.github.pgredis.sink.mapping.KeyTemplate;

/**
 * What the sink does with the changes of one table: the connector-wide settings, with the table's own
 * {@code table.<schema>.<table>.<setting>} entries in their place where it has them.
 */
public record TableSettings(KeyTemplate keyTemplate, WriteMode writeMode, long ttlMs, TtlMode ttlMode,
        double adaptiveTargetHitRate, ColumnSelection columns, boolean feedEnabled, FeedContent feedContent) {
}
