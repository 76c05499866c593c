package io.github.pgredis.bench;

import java.math.BigDecimal;
import java.time.Instant;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.testing.ChangeRecords;

/**
 * The benchmark's realistic row, as Debezium PostgreSQL emits it for
 * {@code orders(id bigint PRIMARY KEY, customer_id int, status text, amount numeric(12,2), quantity int,
 * discount double precision, paid boolean, created_at timestamptz, updated_at timestamptz, note text)} with
 * {@code decimal.handling.mode=precise}: ten columns, about 200 bytes of text. Change {@code sequence} writes
 * row {@code sequence % keys}, so the final state of every row is known without reading the topic back.
 */
final class OrderRows {
    static final String TABLE = "orders";
    static final String TOPIC = "pg.public." + TABLE;
    private static final Schema ROW = SchemaBuilder.struct().name(TOPIC + ".Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("customer_id", Schema.INT32_SCHEMA)
            .field("status", Schema.STRING_SCHEMA)
            .field("amount", Decimal.builder(2).optional().build())
            .field("quantity", Schema.INT32_SCHEMA)
            .field("discount", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("paid", Schema.BOOLEAN_SCHEMA)
            .field("created_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
            .field("updated_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final String[] STATUSES = {"new", "paid", "packed", "shipped", "delivered", "returned"};
    private static final String NOTE_TEXT = "Leave the parcel with the neighbour at number 12 if nobody answers; "
            + "call ahead on weekdays between nine and five. Fragile: contains glassware, keep upright. Gift wrap, no "
            + "invoice in the box. ";
    private static final long FIRST_LSN = 0x1_0000_0000L;
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final ChangeRecords records = ChangeRecords.table("public", TABLE, ROW, "id");
    private final int keys;

    OrderRows(int keys) {
        this.keys = keys;
    }

    int keys() {
        return keys;
    }

    static long idOf(long sequence, int keys) {
        return sequence % keys + 1;
    }

    /** Change number {@code sequence}: an insert for a row's first change, an update after. */
    SinkRecord change(long sequence) {
        long id = idOf(sequence, keys);
        Struct after = row(id, sequence);
        long lsn = FIRST_LSN + sequence * 64;
        return sequence < keys ? records.create(lsn, after) : records.update(lsn, null, after);
    }

    Struct row(long id, long sequence) {
        Struct row = new Struct(ROW);
        row.put("id", id);
        row.put("customer_id", (int) (id % 100_000));
        row.put("status", STATUSES[(int) (sequence % STATUSES.length)]);
        row.put("amount", BigDecimal.valueOf(1999 + sequence % 100_000, 2));
        row.put("quantity", (int) (sequence / keys + 1));
        row.put("discount", (sequence % 20) / 100.0);
        row.put("paid", sequence % 2 == 0);
        row.put("created_at", EPOCH.plusSeconds(id).toString());
        row.put("updated_at", EPOCH.plusMillis(sequence).toString());
        row.put("note", NOTE_TEXT + sequence);
        return row;
    }

    /** The Redis key of row {@code id} under the default key template. */
    static String rowKey(long id) {
        return "public." + TABLE + ":" + id;
    }

    /** The quantity column of row {@code id} after changes 0 .. total-1: how many changes it has had. */
    static String finalQuantity(long id, long total, int keys) {
        long changes = total / keys + (id - 1 < total % keys ? 1 : 0);
        return Long.toString(changes);
    }
}
