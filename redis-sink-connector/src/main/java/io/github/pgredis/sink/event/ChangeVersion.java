package io.github.pgredis.sink.event;

/**
 * The position of a change in its source, which decides whether a write is newer than what Redis holds.
 *
 * <p>Encoded as fixed-width lowercase hex (epoch 4, kind 1, major 16, minor 16 = 37 characters) so that Redis's Lua
 * compares versions as strings: LSNs exceed the 2^53 that Lua's double numbers hold exactly. Epoch first, so a raised
 * {@code version.epoch} always wins; then the kind, so a source position outranks a version field, which outranks a
 * Kafka offset.
 */
public record ChangeVersion(int epoch, Kind kind, long major, long minor) implements Comparable<ChangeVersion> {
    public static final int ENCODED_LENGTH = 37;

    public enum Kind {
        KAFKA_OFFSET('0'), VERSION_FIELD('1'), SOURCE_POSITION('2');

        private final char code;

        Kind(char code) {
            this.code = code;
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static ChangeVersion ofKafkaOffset(int epoch, long offset) {
        return new ChangeVersion(epoch, Kind.KAFKA_OFFSET, offset, 0);
    }

    /** A signed field value, shifted so that unsigned hex order equals signed numeric order. */
    public static ChangeVersion ofField(int epoch, long value) {
        return new ChangeVersion(epoch, Kind.VERSION_FIELD, value ^ Long.MIN_VALUE, 0);
    }

    public static ChangeVersion ofSourcePosition(int epoch, long commitPosition, long changePosition) {
        return new ChangeVersion(epoch, Kind.SOURCE_POSITION, commitPosition, changePosition);
    }

    public String encode() {
        char[] out = new char[ENCODED_LENGTH];
        writeHex(out, 0, epoch, 4);
        out[4] = kind.code;
        writeHex(out, 5, major, 16);
        writeHex(out, 21, minor, 16);
        return new String(out);
    }

    /** The epoch and a Kafka offset as 20 hex characters: how tombstones are ordered against earlier writes. */
    public static String encodePosition(int epoch, long kafkaOffset) {
        char[] out = new char[20];
        writeHex(out, 0, epoch, 4);
        writeHex(out, 4, kafkaOffset, 16);
        return new String(out);
    }

    /**
     * What a version key or a row's version field holds: the encoded version, then the Kafka offset (16 hex
     * characters) of {@link #encodePosition}'s position.
     */
    public static String stored(String encodedVersion, String encodedPosition) {
        return encodedVersion + encodedPosition.substring(4);
    }

    private static void writeHex(char[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /** A row read by a snapshot: a source position whose change part is zero. */
    public boolean isSnapshotRead() {
        return kind == Kind.SOURCE_POSITION && minor == 0;
    }

    /**
     * A streamed change whose commit position Debezium did not know (source.sequence without the last commit, as
     * for the first transaction after a Debezium restart): its position is its own change's twice.
     */
    public boolean isCommitUnknown() {
        return kind == Kind.SOURCE_POSITION && major == minor && minor != 0;
    }

    /**
     * Whether a change at this version, at Kafka offset {@code offset}, replaces one at {@code earlier}, at
     * {@code earlierOffset} of the same partition. Source positions decide, except between a snapshot row and a
     * streamed change whose commit is unknown: a transaction that began before the snapshot and committed after it
     * has change positions below the snapshot's, so there Debezium's own order, the Kafka offset, decides (Debezium
     * writes a snapshot's rows before the changes streamed after it, and a key stays in one partition). The same rule
     * is in apply-change.lua.
     */
    public boolean replaces(ChangeVersion earlier, long offset, long earlierOffset) {
        if (epoch == earlier.epoch && (isSnapshotRead() && earlier.isCommitUnknown()
                || isCommitUnknown() && earlier.isSnapshotRead())) {
            return offset > earlierOffset;
        }
        return compareTo(earlier) > 0;
    }

    @Override
    public int compareTo(ChangeVersion other) {
        int c = Integer.compare(epoch, other.epoch);
        if (c == 0) {
            c = kind.compareTo(other.kind);
        }
        if (c == 0) {
            c = Long.compareUnsigned(major, other.major);
        }
        return c != 0 ? c : Long.compareUnsigned(minor, other.minor);
    }
}
