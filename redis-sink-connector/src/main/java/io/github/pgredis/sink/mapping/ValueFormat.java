package io.github.pgredis.sink.mapping;

/** How a row is stored: a hash with one field per column, or one JSON document in a string. */
public enum ValueFormat { HASH, JSON }
