package io.github.pgredis.sink.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.testing.ChangeRecords;

class KeyTemplateTest {
    private static final KeyTemplate DEFAULT = KeyTemplate.parse("${collection}:${key}");
    private final ChangeEventDecoder decoder = new ChangeEventDecoder(0, "", "__");
    private final ChangeRecords orders = ChangeRecords.table("sales", "order_lines", SchemaBuilder.struct()
            .optional()
            .field("order_id", Schema.STRING_SCHEMA)
            .field("line", Schema.INT32_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .build(), "order_id", "line");

    private ChangeEvent line(String orderId, int line) {
        return decoder.decode(orders.create(10, orders.row("order_id", orderId, "line", line)));
    }

    /** One row has one key whatever converter read its key: JSON with or without schemas, or a Struct. */
    @Test
    void compositeKeysJoinTheirColumnsByNameUnderEveryConverter() {
        byte[] keyWithSchema = ("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"order_id\","
                + "\"type\":\"string\"},{\"field\":\"line\",\"type\":\"int32\"}]},"
                + "\"payload\":{\"order_id\":\"A17\",\"line\":2}}").getBytes(StandardCharsets.UTF_8);
        byte[] keyWithoutSchema = "{\"order_id\":\"A17\",\"line\":2}".getBytes(StandardCharsets.UTF_8);
        SinkRecord template = orders.create(10, orders.row("order_id", "A17", "line", 2));

        Set<String> keys = new HashSet<>();
        keys.add(DEFAULT.render(decoder.decode(template)));
        for (boolean schemas : new boolean[] {true, false}) {
            JsonConverter converter = new JsonConverter();
            converter.configure(Map.of("schemas.enable", Boolean.toString(schemas)), true);
            SchemaAndValue key = converter.toConnectData(template.topic(), schemas ? keyWithSchema : keyWithoutSchema);
            keys.add(DEFAULT.render(decoder.decode(template.newRecord(template.topic(), 0, key.schema(),
                    key.value(), template.valueSchema(), template.value(), template.timestamp()))));
        }

        assertThat(keys).containsExactly("sales.order_lines:2:A17");
    }

    @Test
    void defaultKeyIsSchemaTableAndPrimaryKey() {
        assertThat(DEFAULT.render(line("A17", 2))).isEqualTo("sales.order_lines:2:A17");
    }

    @Test
    void separatorsAndBracesInValuesAreEscapedSoKeysNeverCollide() {
        assertThat(DEFAULT.render(line("a:b", 1))).isEqualTo("sales.order_lines:1:a%3Ab");
        assertThat(DEFAULT.render(line("{x}%", 1))).isEqualTo("sales.order_lines:1:%7Bx%7D%25");

        Set<String> keys = new HashSet<>();
        String[] tricky = {"a", "a:1", "a%3A1", "a%", "%", ":", "::", "a.b", "{", "}", "%25", ""};
        for (String orderId : tricky) {
            for (int lineNo = 0; lineNo < 3; lineNo++) {
                keys.add(DEFAULT.render(line(orderId, lineNo)));
            }
        }
        assertThat(keys).hasSize(tricky.length * 3);
    }

    @Test
    void dotsInSchemaAndTableNamesAreEscaped() {
        ChangeRecords dotted = ChangeRecords.table("a.b", "c", SchemaBuilder.struct().optional()
                .field("id", Schema.INT32_SCHEMA).build(), "id");
        ChangeRecords other = ChangeRecords.table("a", "b.c", SchemaBuilder.struct().optional()
                .field("id", Schema.INT32_SCHEMA).build(), "id");

        String first = DEFAULT.render(decoder.decode(dotted.create(1, dotted.row("id", 1))));
        String second = DEFAULT.render(decoder.decode(other.create(1, other.row("id", 1))));

        assertThat(first).isEqualTo("a%2Eb.c:1");
        assertThat(second).isEqualTo("a.b%2Ec:1");
    }

    @Test
    void namedKeyColumnsAndHashTags() {
        KeyTemplate template = KeyTemplate.parse("{${table}}:${key.line}:${key.order_id}");

        assertThat(template.render(line("Z", 4))).isEqualTo("{order_lines}:4:Z");
    }

    @Test
    void tombstonesAndFlattenedRowsOfADebeziumTopicMapToTheTablesKeys() {
        org.apache.kafka.connect.data.Struct row = orders.row("order_id", "A", "line", 1);
        ChangeEvent tombstone = decoder.decode(orders.tombstone(row));
        ChangeEvent flattened = decoder.decode(orders.record(orders.keyOf(row).schema(), orders.keyOf(row),
                orders.rowSchema(), row));

        assertThat(DEFAULT.render(tombstone)).isEqualTo("sales.order_lines:1:A");
        assertThat(DEFAULT.render(flattened)).isEqualTo("sales.order_lines:1:A");
    }

    @Test
    void recordsWithoutSourceTableFallBackToTheTopic() {
        ChangeEvent plain = decoder.decode(new org.apache.kafka.connect.sink.SinkRecord("my.topic", 0,
                Schema.STRING_SCHEMA, "k", null, java.util.Map.of("v", 1L), 0));

        assertThat(DEFAULT.render(plain)).isEqualTo("my%2Etopic:k");
        assertThatThrownBy(() -> KeyTemplate.parse("${table}:${key}").render(plain))
                .isInstanceOf(RecordException.class).hasMessageContaining("table name");
    }

    @Test
    void tablePrefixIsTheTextBeforeTheKey() {
        assertThat(DEFAULT.tablePrefix(line("A", 1))).isEqualTo("sales.order_lines:");
        assertThat(DEFAULT.hasTablePrefix()).isTrue();
        assertThat(KeyTemplate.parse("${key}@${table}").hasTablePrefix()).isFalse();
        assertThat(KeyTemplate.parse("${schema}:${key}").hasTablePrefix()).isFalse();
        assertThat(KeyTemplate.parse("${key}@${table}").startsWithKey()).isTrue();
        assertThat(KeyTemplate.parse("orders:${key}").startsWithKey()).isFalse();
        assertThat(DEFAULT.startsWithKey()).isFalse();
    }

    @Test
    void rejectsTemplatesThatCannotWork() {
        assertThatThrownBy(() -> KeyTemplate.parse("${table}")).hasMessageContaining("must contain ${key}");
        assertThatThrownBy(() -> KeyTemplate.parse("${nope}:${key}")).hasMessageContaining("unknown placeholder");
        assertThatThrownBy(() -> KeyTemplate.parse("${key")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> KeyTemplate.parse("{}${key}")).hasMessageContaining("hash tag");
        assertThatThrownBy(() -> KeyTemplate.parse("}x{${key}")).hasMessageContaining("hash tag");
    }

    @Test
    void nullKeyColumnIsTheRecordsFault() {
        ChangeRecords nullable = ChangeRecords.table("s", "t", SchemaBuilder.struct().optional()
                .field("id", Schema.OPTIONAL_INT32_SCHEMA).build(), "id");
        ChangeEvent event = decoder.decode(nullable.create(1, nullable.row("id", null)));

        assertThatThrownBy(() -> DEFAULT.render(event)).isInstanceOf(RecordException.class)
                .hasMessageContaining("key column 'id' is null");
    }
}
