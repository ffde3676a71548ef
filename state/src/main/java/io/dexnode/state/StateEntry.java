package io.dexnode.state;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One raw key with its value, as a scan hands them out.
 *
 * @param key the raw key
 * @param value its value
 */
public record StateEntry(byte[] key, byte[] value) {

    @Override
    public boolean equals(Object o) {
        return o instanceof StateEntry e && Arrays.equals(e.key, key) && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "StateEntry(" + hex.formatHex(key) + " = " + (value == null ? "null" : hex.formatHex(value)) + ")";
    }
}
