package io.github.pgredis.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.apply.RowWrite.Kind;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.mapping.RenderedRow;

class RowWriteTest {
    private static final SinkRecord RECORD = new SinkRecord("t", 0, null, null, null, null, 0);

    private static RowWrite upsert(long lsn, long offset, Map<String, String> values, List<String> kept) {
        return new RowWrite("k", Kind.UPSERT, ChangeVersion.ofSourcePosition(0, lsn, lsn), offset,
                new RenderedRow(values, kept),
                RECORD, WriteMode.UPSERT, 0, "public.t", -1);
    }

    private static RowWrite delete(long lsn, long offset) {
        return new RowWrite("k", Kind.DELETE, ChangeVersion.ofSourcePosition(0, lsn, lsn), offset, null,
                RECORD, WriteMode.UPSERT, 0, "public.t", -1);
    }

    private static RowWrite tombstone(long offset) {
        return new RowWrite("k", Kind.TOMBSTONE, ChangeVersion.ofKafkaOffset(0, offset), offset, null,
                RECORD, WriteMode.UPSERT, 0, "public.t", -1);
    }

    private static RowWrite snapshotRow(long snapshotLsn, long offset, String value) {
        return new RowWrite("k", Kind.UPSERT, ChangeVersion.ofSourcePosition(0, snapshotLsn, 0), offset,
                new RenderedRow(Map.of("v", value), List.of()),
                RECORD, WriteMode.UPSERT, 0, "public.t", -1);
    }

    /** The ordering rule of ChangeVersion.replaces holds inside a batch too: there Kafka order decides. */
    @Test
    void aChangeWhoseCommitIsUnknownAfterASnapshotRowOfTheBatchWinsAndBeforeItLoses() {
        RowWrite after = snapshotRow(5_000, 0, "snapshot").followedBy(upsert(4_000, 1, Map.of("v", "committed"),
                List.of()));
        RowWrite before = upsert(4_000, 0, Map.of("v", "streamed"), List.of()).followedBy(snapshotRow(5_000, 1,
                "snapshot"));

        assertThat(after.row().values()).containsEntry("v", "committed");
        assertThat(before.row().values()).containsEntry("v", "snapshot");
        assertThat(after.offset()).isEqualTo(1);
    }

    @Test
    void createThenDeleteInOneBatchEndsDeleted() {
        RowWrite collapsed = upsert(10, 0, Map.of("a", "1"), List.of()).followedBy(delete(11, 1));

        assertThat(collapsed.kind()).isEqualTo(Kind.DELETE);
        assertThat(collapsed.version()).isEqualTo(ChangeVersion.ofSourcePosition(0, 11, 11));
        assertThat(collapsed.records()).hasSize(2);
        assertThat(collapsed.offset()).isEqualTo(1);
    }

    @Test
    void deleteThenCreateEndsCreated() {
        RowWrite collapsed = delete(10, 0).followedBy(upsert(11, 1, Map.of("a", "2"), List.of()));

        assertThat(collapsed.kind()).isEqualTo(Kind.UPSERT);
        assertThat(collapsed.row().values()).containsEntry("a", "2");
    }

    @Test
    void anOlderChangeRedeliveredLaterInTheBatchDoesNotWin() {
        RowWrite collapsed = upsert(20, 0, Map.of("a", "new"), List.of())
                .followedBy(upsert(15, 1, Map.of("a", "old"), List.of()));

        assertThat(collapsed.row().values()).containsEntry("a", "new");
        assertThat(collapsed.version()).isEqualTo(ChangeVersion.ofSourcePosition(0, 20, 20));
        assertThat(collapsed.offset()).isEqualTo(1);
    }

    @Test
    void tombstoneAfterARowDeletesItAndKeepsTheRowsVersionForTheMarker() {
        RowWrite collapsed = upsert(30, 4, Map.of("a", "1"), List.of()).followedBy(tombstone(5));

        assertThat(collapsed.kind()).isEqualTo(Kind.TOMBSTONE);
        assertThat(collapsed.version()).isEqualTo(ChangeVersion.ofSourcePosition(0, 30, 30));
        assertThat(collapsed.offset()).isEqualTo(5);
    }

    @Test
    void createAfterTombstoneWins() {
        RowWrite collapsed = tombstone(5).followedBy(upsert(40, 6, Map.of("a", "1"), List.of()));

        assertThat(collapsed.kind()).isEqualTo(Kind.UPSERT);
    }

    @Test
    void unchangedToastColumnsAreFilledFromTheEarlierImage() {
        RowWrite full = upsert(10, 0, Map.of("id", "1", "body", "long text"), List.of());
        RowWrite partial = upsert(11, 1, Map.of("id", "1", "title", "t"), List.of("body"));

        RowWrite collapsed = full.followedBy(partial);

        assertThat(collapsed.row().values()).containsEntry("body", "long text").containsEntry("title", "t");
        assertThat(collapsed.row().kept()).isEmpty();
    }

    @Test
    void toastColumnsUnknownToTheBatchAreStillKeptFromRedis() {
        RowWrite first = upsert(10, 0, Map.of("id", "1"), List.of("body"));
        RowWrite second = upsert(11, 1, Map.of("id", "1"), List.of("body"));

        assertThat(first.followedBy(second).row().kept()).containsExactly("body");
    }
}
