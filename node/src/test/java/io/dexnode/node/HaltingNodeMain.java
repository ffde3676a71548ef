package io.dexnode.node;

import io.dexnode.node.producer.ProducerHook;
import io.dexnode.state.StateFaults;
import io.dexnode.state.StateStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A node for {@link NodeHaltTest} to run in a child JVM with the production exit
 * ({@link Node.Exit#PROCESS}). It prints {@code serving on URL}, then takes commands on stdin:
 * {@code hold} holds the producer before its next block (printing {@code held} once it waits
 * there); {@code fail} makes the store's next write fail as on a full disk and lets the producer go.
 */
public final class HaltingNodeMain {
    private HaltingNodeMain() {
    }

    /** {@code args[0]}: the data directory. */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        StateStore[] opened = new StateStore[1];
        CountDownLatch[] hold = new CountDownLatch[1];
        ProducerHook hook = height -> {
            CountDownLatch h = hold[0];
            if (h != null) {
                say("held");
                h.await();
            }
        };
        Node node = Node.start(NodeConfig.defaults(data).withPort(0).withDev(true).withGenesis(data.resolveSibling("absent.json")),
                new Node.Options(hook, Node.Exit.PROCESS).withState(s -> opened[0] = s));
        say("serving on " + node.url());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line) {
                case "hold" -> {
                    hold[0] = new CountDownLatch(1);
                    say("holding");
                }
                case "fail" -> {
                    StateFaults.failNextWrite(opened[0], NodeHaltTest.DISK_FULL);
                    CountDownLatch h = hold[0];
                    hold[0] = null;
                    if (h != null) {
                        h.countDown();
                    }
                    say("failing");
                }
                default -> say("unknown command " + line);
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
