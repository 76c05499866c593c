package io.github.pgredis.sink.apply;

/**
 * What a change of a row does to its Redis key. Every mode keeps the row's version: where the row is not written, a
 * version marker with a retention is, so that no older change (replayed, or a reader's fill) lands afterwards.
 */
public enum WriteMode {
    /** The key always holds the row: a replica. */
    UPSERT,
    /** Any change deletes the key; readers refill it from PostgreSQL. */
    INVALIDATE,
    /** A change refreshes the key only if Redis holds it; an absent key stays absent. */
    UPDATE_IF_CACHED,
    /** UPSERT while the table's read hit rate is below its target, UPDATE_IF_CACHED at or above it. */
    ADAPTIVE
}
