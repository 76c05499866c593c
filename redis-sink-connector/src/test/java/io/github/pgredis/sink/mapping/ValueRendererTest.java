package io.github.pgredis.sink.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ValueRendererTest {

    private static Schema logical(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    private static String text(Schema schema, Object value) {
        return ValueRenderer.text(schema, value);
    }

    private static String json(Schema schema, Object value) {
        StringBuilder out = new StringBuilder();
        ValueRenderer.appendJson(out, schema, value);
        return out.toString();
    }

    @Test
    void numbersArePlain() {
        assertThat(text(Schema.INT64_SCHEMA, 9_007_199_254_740_993L)).isEqualTo("9007199254740993");
        assertThat(text(Schema.FLOAT64_SCHEMA, 3.0)).isEqualTo("3");
        assertThat(text(Schema.FLOAT64_SCHEMA, 0.1)).isEqualTo("0.1");
        assertThat(text(Schema.FLOAT64_SCHEMA, 1e20)).isEqualTo("100000000000000000000");
        assertThat(text(Schema.FLOAT32_SCHEMA, 0.1f)).isEqualTo("0.1");
        assertThat(text(Schema.FLOAT64_SCHEMA, Double.NaN)).isEqualTo("NaN");
        assertThat(text(Schema.FLOAT64_SCHEMA, Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(text(Schema.BOOLEAN_SCHEMA, true)).isEqualTo("true");
    }

    @Test
    void decimalsAreExactPlainTextKeepingScale() {
        Schema numeric = Decimal.schema(5);
        assertThat(text(numeric, new BigDecimal("123456789012345.12300"))).isEqualTo("123456789012345.12300");
        assertThat(text(numeric, new BigDecimal("1E-5").setScale(5))).isEqualTo("0.00001");
        assertThat(json(numeric, new BigDecimal("1.50000"))).isEqualTo("\"1.50000\"");
    }

    @Test
    void variableScaleDecimalIsDecoded() {
        Schema schema = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
        Struct value = new Struct(schema).put("scale", 3).put("value", new BigInteger("-123456").toByteArray());

        assertThat(text(schema, value)).isEqualTo("-123.456");
        assertThat(json(schema, value)).isEqualTo("\"-123.456\"");
    }

    @Test
    void debeziumTemporalTypesAreIso8601() {
        assertThat(text(logical(Schema.Type.INT32, "io.debezium.time.Date"), 19_723)).isEqualTo("2024-01-01");
        assertThat(text(logical(Schema.Type.INT64, "io.debezium.time.MicroTime"), 37_230_500_000L))
                .isEqualTo("10:20:30.5");
        assertThat(text(logical(Schema.Type.INT32, "io.debezium.time.Time"), 3_600_000)).isEqualTo("01:00:00");
        assertThat(text(logical(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"), 1_704_103_230_123_456L))
                .isEqualTo("2024-01-01T10:00:30.123456");
        assertThat(text(logical(Schema.Type.INT64, "io.debezium.time.Timestamp"), 1_704_103_230_000L))
                .isEqualTo("2024-01-01T10:00:30");
        assertThat(text(logical(Schema.Type.INT64, "io.debezium.time.NanoTimestamp"), -1L))
                .isEqualTo("1969-12-31T23:59:59.999999999");
        assertThat(text(logical(Schema.Type.INT64, "io.debezium.time.MicroDuration"), 90_000_000L))
                .isEqualTo("PT1M30S");
    }

    @Test
    void zonedTimestampsAreUtcWithoutTrailingZeros() {
        Schema zoned = logical(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp");
        assertThat(text(zoned, "2024-01-01T12:00:30.25+02:00")).isEqualTo("2024-01-01T10:00:30.25Z");
        assertThat(text(zoned, "2024-01-01T10:00:00Z")).isEqualTo("2024-01-01T10:00:00Z");
        assertThat(text(zoned, "2024-01-01T10:00:30.123456Z")).isEqualTo("2024-01-01T10:00:30.123456Z");
        assertThat(text(zoned, "2024-01-01T10:00:30.120Z")).isEqualTo("2024-01-01T10:00:30.12Z");
        assertThat(text(zoned, "2024-01-01T10:00:30.000Z")).isEqualTo("2024-01-01T10:00:30Z");
        assertThat(text(zoned, "2024-01-01T10:00Z")).isEqualTo("2024-01-01T10:00:00Z");
        assertThat(text(zoned, "+10000-01-01T00:00:00+01:00")).isEqualTo("9999-12-31T23:00:00Z");
        assertThat(text(zoned, "2024-02-30T10:00:00Z")).as("not a date: kept").isEqualTo("2024-02-30T10:00:00Z");
        assertThat(text(zoned, "infinity")).isEqualTo("infinity");
    }

    @Test
    void connectTemporalTypesAreIso8601() {
        java.util.Date instant = new java.util.Date(1_704_103_230_500L);
        assertThat(text(Timestamp.SCHEMA, instant)).isEqualTo("2024-01-01T10:00:30.5");
        assertThat(text(Date.SCHEMA, new java.util.Date(19_723L * 86_400_000L))).isEqualTo("2024-01-01");
        assertThat(text(Time.SCHEMA, new java.util.Date(45_296_000L))).isEqualTo("12:34:56");
        assertThat(json(Timestamp.SCHEMA, instant)).isEqualTo("\"2024-01-01T10:00:30.5\"");
    }

    @Test
    void jsonUuidAndTextPassThrough() {
        Schema jsonb = logical(Schema.Type.STRING, "io.debezium.data.Json");
        assertThat(text(jsonb, "{\"a\": [1, 2]}")).isEqualTo("{\"a\": [1, 2]}");
        assertThat(json(jsonb, "{\"a\": [1, 2]}")).isEqualTo("{\"a\": [1, 2]}");
        assertThat(text(logical(Schema.Type.STRING, "io.debezium.data.Uuid"), "6f1c1b4e-0000-4000-8000-000000000001"))
                .isEqualTo("6f1c1b4e-0000-4000-8000-000000000001");
        assertThat(json(Schema.STRING_SCHEMA, "a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
    }

    @Test
    void arraysMapsAndStructsAreJson() {
        Schema ints = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build();
        assertThat(text(ints, Arrays.asList(1, null, 3))).isEqualTo("[1,null,3]");
        Schema texts = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
        assertThat(text(texts, List.of("a", "b\"c"))).isEqualTo("[\"a\",\"b\\\"c\"]");
        Schema point = SchemaBuilder.struct().field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA)
                .build();
        assertThat(text(point, new Struct(point).put("x", 1.5).put("y", -2.0))).isEqualTo("{\"x\":1.5,\"y\":-2}");
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", List.of(1L, 2.5));
        assertThat(text(null, map)).isEqualTo("{\"k\":[1,2.5]}");
    }

    @Test
    void bytesAreBase64() {
        assertThat(text(Schema.BYTES_SCHEMA, "hi".getBytes(StandardCharsets.UTF_8))).isEqualTo("aGk=");
        assertThat(text(Schema.BYTES_SCHEMA, java.nio.ByteBuffer.wrap(new byte[] {0, (byte) 255})))
                .isEqualTo("AP8=");
    }

    @Test
    void nonFiniteFloatsAreJsonStrings() {
        assertThat(json(Schema.FLOAT64_SCHEMA, Double.POSITIVE_INFINITY)).isEqualTo("\"Infinity\"");
        assertThat(json(Schema.FLOAT64_SCHEMA, 2.5)).isEqualTo("2.5");
    }
}
