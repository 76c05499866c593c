package io.github.pgredis.sink.apply;

/** Where a stored hash row keeps its version: in a version key of its own, or in a field of the row's hash. */
public enum VersionStorage { KEY, ROW }
