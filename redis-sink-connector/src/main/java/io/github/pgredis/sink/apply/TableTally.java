package io.github.pgredis.sink.apply;

import io.github.pgredis.sink.event.ChangeEvent;

/**
 * What one batch did to one table's keys, in changes (records): the changes of a key collapsed into one write share
 * its fate (applied or skipped). {@code applied} counts every change Redis took; deleted, invalidated and not cached
 * say how some of them were taken.
 */
public final class TableTally {
    long applied;
    long skipped;
    long deleted;
    long invalidated;
    long notCached;
    long newestCommitTimeMs = ChangeEvent.UNKNOWN_TIME;

    /** Changes Redis took: written, deleted, invalidated or marked. */
    public long applied() {
        return applied;
    }

    /** Changes the version guard skipped: Redis held them or a newer change of the key already (replays, stale). */
    public long skipped() {
        return skipped;
    }

    /** Applied deletes and tombstones (outside write.mode=invalidate). */
    public long deleted() {
        return deleted;
    }

    /** Applied changes that removed a key in write.mode=invalidate. */
    public long invalidated() {
        return invalidated;
    }

    /**
     * Applied row changes that left only a version marker because the key was absent: update-if-cached on a key
     * not cached, or a change lacking unchanged TOAST columns.
     */
    public long notCached() {
        return notCached;
    }

    /**
     * The newest source commit time among the batch's applied changes of the table, or
     * {@link ChangeEvent#UNKNOWN_TIME}.
     */
    public long newestCommitTimeMs() {
        return newestCommitTimeMs;
    }
}
