package io.dexnode.state;

import java.nio.charset.StandardCharsets;

/** Readable keys, values and write sets for the state tests. */
final class Writes {
    private Writes() {}

    /** The UTF-8 bytes of {@code s}. */
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A write set of puts: key, value, key, value, … */
    static WriteSet puts(String... kv) {
        WriteSet ws = new WriteSet();
        for (int i = 0; i < kv.length; i += 2) {
            ws.put(b(kv[i]), b(kv[i + 1]));
        }
        return ws;
    }
}
