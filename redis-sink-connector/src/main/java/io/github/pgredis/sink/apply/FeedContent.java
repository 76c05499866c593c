package io.github.pgredis.sink.apply;

/** What a change feed entry carries besides the operation, key and version: the row as the change wrote it, or not. */
public enum FeedContent { ROW, KEY }
