package io.dexnode.jmt.ics23;

/** ICS23 {@code cosmos.ics23.v1.LengthOp}: how a leaf's key and value are length-prefixed. */
public enum LengthOp {
    NO_PREFIX(0),
    VAR_PROTO(1),
    VAR_RLP(2),
    FIXED32_BIG(3),
    FIXED32_LITTLE(4),
    FIXED64_BIG(5),
    FIXED64_LITTLE(6),
    REQUIRE_32_BYTES(7),
    REQUIRE_64_BYTES(8);

    private final int number;

    LengthOp(int number) {
        this.number = number;
    }

    /** The proto enum number. */
    public int number() {
        return number;
    }

    /** The op with proto number {@code n}. */
    public static LengthOp ofNumber(int n) {
        for (LengthOp op : values()) {
            if (op.number == n) {
                return op;
            }
        }
        throw new Ics23Exception("unknown LengthOp " + n);
    }
}
