package io.dexnode.jmt.ics23;

/** ICS23 {@code cosmos.ics23.v1.HashOp}: the hash a proof step applies, with its proto number. */
public enum HashOp {
    NO_HASH(0),
    SHA256(1),
    SHA512(2),
    KECCAK256(3),
    RIPEMD160(4),
    BITCOIN(5),
    SHA512_256(6),
    BLAKE2B_512(7),
    BLAKE2S_256(8),
    BLAKE3(9);

    private final int number;

    HashOp(int number) {
        this.number = number;
    }

    /** The proto enum number. */
    public int number() {
        return number;
    }

    /** The op with proto number {@code n}. */
    public static HashOp ofNumber(int n) {
        for (HashOp op : values()) {
            if (op.number == n) {
                return op;
            }
        }
        throw new Ics23Exception("unknown HashOp " + n);
    }
}
