package io.github.pgredis.sink.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.testing.ChangeRecords;

class ChangeEventDecoderTest {
    private final ChangeEventDecoder decoder = new ChangeEventDecoder(0, "", "__");
    private final ChangeRecords users = ChangeRecords.users();

    @Test
    void readsEachEnvelopeOperation() {
        Struct alice = users.row("id", 1, "name", "alice");
        assertThat(decoder.decode(users.create(100, alice)).isCreate()).isTrue();
        assertThat(decoder.decode(users.update(101, alice, alice)).isUpdate()).isTrue();
        assertThat(decoder.decode(users.snapshotRead(90, alice)).isSnapshotRead()).isTrue();
        assertThat(decoder.decode(users.delete(102, alice)).isDelete()).isTrue();
        assertThat(decoder.decode(users.tombstone(alice)).isTombstone()).isTrue();
        assertThat(decoder.decode(users.truncate(103)).isTruncate()).isTrue();
    }

    @Test
    void envelopeGivesKeyRowTableAndSourceVersion() {
        ChangeEvent event = decoder.decode(users.create(100, users.row("id", 7, "name", "bob")));

        assertThat(event.keyColumns()).extracting(Column::name, Column::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("id", 7));
        assertThat(event.row()).extracting(Column::name).containsExactly("id", "name", "email");
        assertThat(event.schemaName()).isEqualTo("public");
        assertThat(event.tableName()).isEqualTo("users");
        assertThat(event.version()).isEqualTo(ChangeVersion.ofSourcePosition(0, 99, 100));
    }

    @Test
    void deleteTakesItsKeyFromTheRecordKeyAndHasNoRow() {
        ChangeEvent event = decoder.decode(users.delete(200, users.row("id", 3)));

        assertThat(event.row()).isNull();
        assertThat(event.keyColumns()).extracting(Column::value).containsExactly(3);
    }

    @Test
    void schemalessEnvelopeReadsLikeTheStructOne() {
        SinkRecord withSchema = users.update(300, null, users.row("id", 5, "name", "eve"));
        ChangeEvent event = decoder.decode(ChangeRecords.schemaless(withSchema));

        assertThat(event.isUpdate()).isTrue();
        assertThat(event.version()).isEqualTo(decoder.decode(withSchema).version());
        assertThat(event.keyColumns()).extracting(Column::value).containsExactly(5L);
        assertThat(event.row()).extracting(Column::name).containsExactly("id", "name", "email");
    }

    @Test
    void jsonWrittenWithSchemasButReadWithoutIsUnwrapped() {
        SinkRecord plain = ChangeRecords.schemaless(users.create(10, users.row("id", 1, "name", "a")));
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("schema", Map.of());
        wrapped.put("payload", plain.value());
        SinkRecord record = new SinkRecord(plain.topic(), 0, null, Map.of("schema", Map.of(), "payload",
                plain.key()), null, wrapped, 1);

        ChangeEvent event = decoder.decode(record);

        assertThat(event.isCreate()).isTrue();
        assertThat(event.keyColumns()).extracting(Column::value).containsExactly(1L);
    }

    @Test
    void snapshotRowsRankBelowChangesStreamedFromTheSnapshotPosition() {
        Struct row = users.row("id", 1);
        ChangeVersion snapshot = decoder.decode(users.snapshotRead(500, row)).version();
        SinkRecord inFlight = users.envelope("u", null, row, users.source(450L, "[\"500\",\"450\"]", "false"));

        assertThat(decoder.decode(inFlight).version()).isGreaterThan(snapshot);
    }

    @Test
    void streamedChangesAreOrderedByCommitBeforeTheirOwnPosition() {
        Struct row = users.row("id", 1);
        SinkRecord earlierCommit = users.envelope("u", null, row, users.source(900L, "[\"800\",\"900\"]", null));
        SinkRecord laterCommit = users.envelope("u", null, row, users.source(850L, "[\"950\",\"850\"]", null));

        assertThat(decoder.decode(laterCommit).version()).isGreaterThan(decoder.decode(earlierCommit).version());
    }

    @Test
    void sourceSequenceIsReadInEachFormDebeziumWrites() {
        assertThat(versionWithSequence("[ \"500\" , \"450\" ]"))
                .isEqualByComparingTo(versionWithSequence("[\"500\",\"450\"]"));
        assertThat(versionWithSequence("[null,\"450\"]")).isEqualByComparingTo(versionWithSequence("[\"450\"]"))
                .isEqualByComparingTo(versionWithSequence("[\"450\",\"450\"]"));
        assertThat(versionWithSequence("[\"500\",\"450\"]")).isGreaterThan(versionWithSequence("[null,\"450\"]"));
    }

    @Test
    void anUnreadableSourceSequenceIsTheRecordsFault() {
        for (String sequence : List.of("\"500\",\"450\"", "[\"5x0\",\"450\"]", "[\"500\",]", "[]")) {
            assertThatThrownBy(() -> versionWithSequence(sequence)).as(sequence)
                    .isInstanceOf(RecordException.class).hasMessageContaining("unreadable source.sequence");
        }
    }

    private ChangeVersion versionWithSequence(String sequence) {
        Struct row = users.row("id", 1);
        return decoder.decode(users.envelope("u", null, row, users.source(450L, sequence, null))).version();
    }

    @Test
    void flattenedRecordsUseTheirMetadataFieldsAndDropThem() {
        Schema flat = SchemaBuilder.struct()
                .field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("__op", Schema.OPTIONAL_STRING_SCHEMA)
                .field("__lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("__deleted", Schema.OPTIONAL_STRING_SCHEMA)
                .field("__table", Schema.OPTIONAL_STRING_SCHEMA)
                .field("__schema", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct key = users.keyOf(users.row("id", 4));
        Struct live = new Struct(flat).put("id", 4).put("name", "x").put("__op", "c").put("__lsn", 42L)
                .put("__deleted", "false").put("__table", "users").put("__schema", "public");
        Struct gone = new Struct(flat).put("id", 4).put("__op", "d").put("__lsn", 43L).put("__deleted", "true");

        ChangeEvent created = decoder.decode(users.record(key.schema(), key, flat, live));
        ChangeEvent deleted = decoder.decode(users.record(key.schema(), key, flat, gone));

        assertThat(created.isCreate()).isTrue();
        assertThat(created.row()).extracting(Column::name).containsExactly("id", "name");
        assertThat(created.tableName()).isEqualTo("users");
        assertThat(created.version()).isEqualTo(ChangeVersion.ofSourcePosition(0, 42, 42));
        assertThat(deleted.isDelete()).isTrue();
        assertThat(deleted.version()).isGreaterThan(created.version());
    }

    @Test
    void plainRecordsAreUpsertsVersionedByOffsetOrByTheVersionField() {
        SinkRecord plain = new SinkRecord("events", 0, Schema.STRING_SCHEMA, "k1", null,
                Map.of("n", 5L, "rev", 17L), 33);

        ChangeEvent byOffset = decoder.decode(plain);
        ChangeEvent byField = new ChangeEventDecoder(0, "rev", "__").decode(plain);

        assertThat(byOffset.isUpdate()).isTrue();
        assertThat(byOffset.keyColumns()).extracting(Column::value).containsExactly("k1");
        assertThat(byOffset.version()).isEqualTo(ChangeVersion.ofKafkaOffset(0, 33));
        assertThat(byField.version()).isEqualTo(ChangeVersion.ofField(0, 17));
        assertThat(byOffset.schemaName()).isNull();
    }

    @Test
    void primitiveValueBecomesOneColumn() {
        ChangeEvent event = decoder.decode(new SinkRecord("counters", 0, null, 9L, null, "hello", 1));

        assertThat(event.row()).extracting(Column::name, Column::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("value", "hello"));
    }

    @Test
    void schemalessCompositeKeysAreOrderedByColumnName() {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("b", 2L);
        key.put("a", 1L);
        ChangeEvent event = decoder.decode(new SinkRecord("t", 0, null, key, null, Map.of("x", 1L), 1));

        assertThat(event.keyColumns()).extracting(Column::name).containsExactly("a", "b");
    }

    @Test
    void recordsTheSinkCannotUseNameThemselvesAndTheCause() {
        SinkRecord noKey = users.record(null, null, null, Map.of("x", 1L));
        SinkRecord unknownOp = users.envelope("x", null, users.row("id", 1), users.source(1L, null, null));
        SinkRecord noLsn = users.envelope("c", null, users.row("id", 1), users.source(null, null, null));

        assertThatThrownBy(() -> decoder.decode(noKey)).isInstanceOf(RecordException.class)
                .hasMessageContaining("record pg.public.users-0@").hasMessageContaining("has no key");
        assertThatThrownBy(() -> decoder.decode(unknownOp)).isInstanceOf(RecordException.class)
                .hasMessageContaining("unsupported op 'x'");
        assertThatThrownBy(() -> decoder.decode(noLsn)).isInstanceOf(RecordException.class)
                .hasMessageContaining("without source.lsn");
    }

    @Test
    void tombstoneIsVersionedByItsKafkaOffset() {
        SinkRecord tombstone = users.atOffset(77).tombstone(users.row("id", 2));

        assertThat(decoder.decode(tombstone).version()).isEqualTo(ChangeVersion.ofKafkaOffset(0, 77));
        assertThat(decoder.decode(tombstone).keyColumns()).hasSize(1);
        assertThat(List.of(decoder.decode(tombstone).row() == null)).containsExactly(true);
    }
}
