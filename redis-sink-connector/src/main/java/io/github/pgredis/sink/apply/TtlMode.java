package io.github.pgredis.sink.apply;

/** When a row's time to live starts: at every write (fixed), or also at every read through the cache client. */
public enum TtlMode { FIXED, SLIDING }
