package io.github.pgredis.resync;

/** When re-syncs fall due: a series of instants, in epoch milliseconds. */
interface Schedule {
    /** The first run of the series strictly after {@code epochMs}, or -1 when there is none. */
    long nextAfter(long epochMs);

    /**
     * The last run of the series at or before {@code nowMs} and after {@code lastRunMs}, or -1 when none is due:
     * runs that fell due while nothing ran are made up by one run, the latest.
     */
    default long latestDue(long lastRunMs, long nowMs) {
        long due = nextAfter(lastRunMs);
        if (due < 0 || due > nowMs) {
            return -1;
        }
        for (long next = nextAfter(due); next >= 0 && next <= nowMs; next = nextAfter(due)) {
            due = next;
        }
        return due;
    }
}
