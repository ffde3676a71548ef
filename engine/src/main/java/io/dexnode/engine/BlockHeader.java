package io.dexnode.engine;

import java.util.HexFormat;

/** A committed block's header: height (= state version), block time (ms, from the producer), state root, tx count. */
public record BlockHeader(long height, long time, byte[] root, int txCount) {

    public String rootHex() {
        return HexFormat.of().formatHex(root);
    }
}
