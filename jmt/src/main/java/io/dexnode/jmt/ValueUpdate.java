package io.dexnode.jmt;

/**
 * One change in a batch: set {@code keyHash} to {@code value}, or delete it when {@code value} is
 * null. The tree takes the value array as it is (no copy): do not modify it afterwards.
 *
 * <p>The tree hashes an empty value like any other (spec §1.3), but ICS23 cannot prove one
 * (spec §3.6.4), so dexnode never stores empty values.
 *
 * @param keyHash the key hash
 * @param value the new value, or null to delete
 */
public record ValueUpdate(KeyHash keyHash, byte[] value) {

    public ValueUpdate {
        if (keyHash == null) {
            throw new IllegalArgumentException("an update needs a key hash");
        }
    }

    /** Set {@code keyHash} to {@code value}. */
    public static ValueUpdate put(KeyHash keyHash, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("put needs a value; use delete to remove a key");
        }
        return new ValueUpdate(keyHash, value);
    }

    /** Delete {@code keyHash} (a no-op when absent). */
    public static ValueUpdate delete(KeyHash keyHash) {
        return new ValueUpdate(keyHash, null);
    }

    /** Whether this update deletes. */
    public boolean isDelete() {
        return value == null;
    }
}
