package io.github.pgredis.sink.event;

/** What a change does to its row. */
public enum Operation {
    CREATE, UPDATE, SNAPSHOT_READ, DELETE, TOMBSTONE, TRUNCATE;

    public boolean writesRow() {
        return this == CREATE || this == UPDATE || this == SNAPSHOT_READ;
    }
}
