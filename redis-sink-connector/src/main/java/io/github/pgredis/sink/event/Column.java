package io.github.pgredis.sink.event;

import org.apache.kafka.connect.data.Schema;

/** One column of a key or row image; the schema is null for schemaless records. */
public record Column(String name, Schema schema, Object value) {
}
