package io.github.pgredis.sink.apply;

/** What a table truncate does to the table's keys. */
public enum TruncateMode { DELETE, IGNORE }
