package io.dexnode.jmt.ics23;

import io.dexnode.jmt.JmtException;

/** An ICS23 proof that does not verify, does not decode, or cannot be built; the message says why. */
public final class Ics23Exception extends JmtException {
    public Ics23Exception(String message) {
        super(message);
    }
}
