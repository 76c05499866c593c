package io.github.pgredis.sink.apply;

import java.util.List;
import java.util.Map;

/** Batch outcomes as PendingBatch makes them, for tests of what consumes them. */
public final class PendingBatches {
    private PendingBatches() {
    }

    /** One table's tally in an outcome with no failures. */
    public static BatchOutcome outcome(String table, long applied, long skipped, long deleted, long invalidated,
            long notCached, long newestCommitTimeMs) {
        TableTally tally = new TableTally();
        tally.applied = applied;
        tally.skipped = skipped;
        tally.deleted = deleted;
        tally.invalidated = invalidated;
        tally.notCached = notCached;
        tally.newestCommitTimeMs = newestCommitTimeMs;
        return new BatchOutcome(List.of(), Map.of(), (int) applied, Map.of(table, tally));
    }
}
