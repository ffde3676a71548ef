package io.dexnode.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports a test names before it starts the servers that bind them (a cluster's peer list). They are
 * drawn below Linux's ephemeral range (32768 and up), where the kernel hands out the source ports
 * of outgoing connections: a port found free there can be taken by any client's connection before
 * the server binds it, which made replicas of a loaded machine unreachable.
 */
public final class Ports {
    private static final int LOW = 12_000;
    private static final int HIGH = 32_000;

    private Ports() {
    }

    /** A port on 127.0.0.1 that could be bound just now, below the ephemeral range. */
    public static int free() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between " + LOW + " and " + HIGH + " after 1000 tries");
    }
}
