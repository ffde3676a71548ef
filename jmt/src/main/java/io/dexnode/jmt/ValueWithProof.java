package io.dexnode.jmt;

/**
 * A read at a version together with its proof: the value (null when the key is absent) and the
 * native proof of that answer against the version's root.
 *
 * @param value the value, or null when absent (not a copy: do not modify)
 * @param proof proves the value or the absence
 */
public record ValueWithProof(byte[] value, SparseMerkleProof proof) {

    /** Whether the key is present. */
    public boolean exists() {
        return value != null;
    }
}
