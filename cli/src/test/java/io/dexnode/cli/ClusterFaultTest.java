package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.node.crypto.Signer;
import io.dexnode.testsupport.ChildJvm;
import io.dexnode.testsupport.Ports;
import io.dexnode.testsupport.TemporaryDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three replicas as three processes ({@code dexnode run --node-id … --peers …}) under a steady
 * signed load sent to any of them, while the test SIGKILLs the leader, SIGKILLs a follower,
 * SIGSTOPs a replica for longer than the election timeout, and wipes a follower's data directory.
 * Afterwards every acknowledged order is on every replica, and every replica has the same root at
 * every height and the same depth. Seeded: the seed picks the victims and the load. It reports the
 * failover time (a leader's SIGKILL to the next acknowledged order) and what it did.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterFaultTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration START_WAIT = Duration.ofSeconds(120);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int REPLICAS = 3;
    private static final int SENDERS = 4;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final ChildJvm[] replicas = new ChildJvm[REPLICAS];
    private final String[] urls = new String[REPLICAS];
    private final int[] raftPorts = new int[REPLICAS];
    private final int[] httpPorts = new int[REPLICAS];
    private final List<Thread> senders = new ArrayList<>();
    private volatile boolean loading = true;
    private String peers;

    @TempDir
    Path dir;

    @AfterEach
    void stopEverything() throws InterruptedException {
        loading = false;
        for (Thread t : senders) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        for (ChildJvm r : replicas) {
            if (r != null) {
                try {
                    r.resume();
                } catch (IOException e) {
                    // it may be gone already
                }
                r.close();
            }
        }
    }

    /** An acknowledged order: who placed it, and the answer's id. */
    private record Ack(String account, long orderId) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7})
    void everyAcknowledgedOrderSurvivesKillsFreezesAndAWipeOnEveryReplica(long seed) throws Exception {
        Random random = new Random(seed);
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < REPLICAS; i++) {
            raftPorts[i] = Ports.free();
            httpPorts[i] = Ports.free();
            urls[i] = "http://127.0.0.1:" + httpPorts[i];
            spec.append(i > 0 ? "," : "").append(id(i)).append("=127.0.0.1:").append(raftPorts[i]).append(':').append(httpPorts[i]);
        }
        peers = spec.toString();
        for (int i = 0; i < REPLICAS; i++) {
            start(i);
        }
        awaitLeader(Duration.ofSeconds(60));
        awaitSameHeightEverywhere(Duration.ofSeconds(120)); // every replica is in the group before any fault

        Map<Long, Ack> acked = new ConcurrentHashMap<>();
        AtomicReference<Answered> lastAck = new AtomicReference<>(new Answered(0, 0));
        for (int s = 0; s < SENDERS; s++) {
            long senderSeed = random.nextLong();
            Thread t = new Thread(() -> load(senderSeed, acked, lastAck), "load-" + s);
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
        List<String> done = new ArrayList<>();
        pause(3000);

        // 1. SIGKILL the leader; the failover is the time until the next acknowledged order.
        int leader = awaitLeader(Duration.ofSeconds(30));
        long killedAt = System.nanoTime();
        replicas[leader].kill();
        long failoverMs = awaitAckAfter(lastAck, killedAt, Duration.ofSeconds(60));
        done.add("SIGKILL leader " + id(leader) + " (failover " + failoverMs + " ms)");
        pause(2000);
        start(leader);
        pause(3000);

        // 2. SIGKILL a follower, restart it.
        int follower = follower(random);
        replicas[follower].kill();
        done.add("SIGKILL follower " + id(follower));
        pause(2000);
        start(follower);
        pause(3000);

        // 3. SIGSTOP a replica (leader or not) past the election timeout, then SIGCONT.
        int frozen = random.nextInt(REPLICAS);
        boolean wasLeader = frozen == awaitLeader(Duration.ofSeconds(30));
        replicas[frozen].freeze();
        pause(4000);
        replicas[frozen].resume();
        done.add("SIGSTOP " + (wasLeader ? "leader " : "follower ") + id(frozen) + " for 4 s, SIGCONT");
        pause(3000);

        // 4. Wipe a follower's data directory and let it catch up.
        int wiped = follower(random);
        replicas[wiped].kill();
        TemporaryDirectory.deleteRecursively(dir.resolve(id(wiped)));
        start(wiped);
        done.add("wiped follower " + id(wiped));
        pause(5000);

        loading = false;
        for (Thread t : senders) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        long top = awaitSameHeightEverywhere(Duration.ofSeconds(120));
        for (Ack ack : acked.values()) {
            for (int i = 0; i < REPLICAS; i++) {
                JsonNode order = get(i, "/v1/orders/" + ack.orderId());
                assertThat(order).as("acknowledged order %d on %s", ack.orderId(), id(i)).isNotNull();
                assertThat(order.path("account").asText()).as("order %d on %s", ack.orderId(), id(i)).isEqualTo(ack.account());
            }
        }
        for (long h = 1; h <= top; h++) {
            String root = get(0, "/v1/blocks/" + h).path("root").asText();
            for (int i = 1; i < REPLICAS; i++) {
                assertThat(get(i, "/v1/blocks/" + h).path("root").asText()).as("root of %d on %s", h, id(i)).isEqualTo(root);
            }
        }
        JsonNode depth = get(0, "/v1/markets/1/depth?levels=1000");
        for (int i = 1; i < REPLICAS; i++) {
            JsonNode d = get(i, "/v1/markets/1/depth?levels=1000");
            assertThat(d.path("bids")).as("bids on %s", id(i)).isEqualTo(depth.path("bids"));
            assertThat(d.path("asks")).as("asks on %s", id(i)).isEqualTo(depth.path("asks"));
        }
        assertThat(acked).as("orders acknowledged under load").hasSizeGreaterThan(50);
        System.out.println("cluster fault test, seed " + seed + ": " + String.join("; ", done) + "; " + acked.size()
                + " orders acknowledged, all on every replica; " + top + " blocks with the same roots on all "
                + REPLICAS + " replicas");
    }

    /** What each replica says of itself and printed last, for a failure message. */
    private String replicasNow() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < REPLICAS; i++) {
            JsonNode c = replicas[i] != null && replicas[i].isAlive() ? get(i, "/v1/cluster") : null;
            sb.append("\n=== ").append(id(i)).append(": ").append(c).append(replicas[i] == null ? "" : replicas[i].describe());
        }
        return sb.toString();
    }

    private static String id(int i) {
        return "n" + (i + 1);
    }

    /**
     * Starts replica {@code i} as an operator would, the Raft log fsynced (what makes an acknowledged
     * block survive a SIGKILL of its replica); its standard error is kept whole under
     * {@code target/cluster-fault/} for reading after a failure.
     */
    private void start(int i) throws IOException, InterruptedException {
        Path logs = Files.createDirectories(Path.of("target", "cluster-fault"));
        ChildJvm child = ChildJvm.start(logs.resolve(id(i) + ".log"), Main.class, List.of("-Xmx384m", "-XX:+UseSerialGC"),
                "run", "--dev", "--node-id", id(i), "--peers", peers, "--data", dir.resolve(id(i)).toString(),
                "--genesis", dir.resolve("absent.json").toString(), "--snapshot-every", "200");
        replicas[i] = child;
        child.awaitLine(l -> l.contains("serving on"), START_WAIT);
    }

    /** One sender: its own account, a deposit, then orders near the middle so that many trade, each to any replica. */
    /** When the last acknowledged request was sent, and when its answer came (System.nanoTime). */
    private record Answered(long sentAt, long answeredAt) {
    }

    private void load(long seed, Map<Long, Ack> acked, AtomicReference<Answered> lastAck) {
        Random random = new Random(seed);
        Signer signer = Signer.generate();
        long nonce = 1;
        String account = signer.account();
        boolean deposited = false;
        while (loading) {
            String payload = deposited
                    ? "{\"type\":\"place\",\"account\":\"" + account + "\",\"nonce\":" + nonce + ",\"market\":1,\"side\":\""
                      + (random.nextBoolean() ? "buy" : "sell") + "\",\"price\":" + (95 + random.nextInt(11)) + ",\"size\":"
                      + (1 + random.nextInt(5)) + "}"
                    : "{\"type\":\"deposit\",\"account\":\"" + account + "\",\"nonce\":" + nonce + ",\"amount\":100000000}";
            String body = signer.envelope(payload);
            // The same signed transaction until it is answered 200 or its nonce is used (409): retrying is safe.
            while (loading) {
                int status;
                JsonNode answer;
                long sentAt = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(urls[random.nextInt(REPLICAS)] + "/v1/tx"))
                            .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    status = r.statusCode();
                    answer = MAPPER.readTree(r.body());
                } catch (IOException e) {
                    status = 0;
                    answer = null;
                } catch (InterruptedException e) {
                    return;
                }
                if (status == 200) {
                    lastAck.set(new Answered(sentAt, System.nanoTime()));
                    if (deposited) {
                        acked.put(answer.path("orderId").asLong(), new Ack(account, answer.path("orderId").asLong()));
                    }
                    deposited = true;
                    break;
                }
                if (status == 409 || status == 422) {
                    deposited = deposited || status == 409;
                    break; // executed earlier (a retried one) or refused by the rules: next nonce
                }
                pause(50);
            }
            nonce++;
        }
    }

    /**
     * The failover: from {@code after} (the leader's SIGKILL) to the answer of the first order sent
     * after it that was acknowledged (an order sent before may still be answered by the dying leader).
     */
    private long awaitAckAfter(AtomicReference<Answered> lastAck, long after, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Answered a = lastAck.get();
            if (a.sentAt() > after) {
                return TimeUnit.NANOSECONDS.toMillis(a.answeredAt() - after);
            }
            pause(10);
        }
        throw new AssertionError("no order sent after the leader's SIGKILL was acknowledged within " + timeout + replicasNow());
    }

    private int awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < REPLICAS; i++) {
                JsonNode c = replicas[i] != null && replicas[i].isAlive() ? get(i, "/v1/cluster") : null;
                if (c != null && "leader".equals(c.path("role").asText())) {
                    return i;
                }
            }
            pause(50);
        }
        throw new AssertionError("no leader within " + timeout + replicasNow());
    }

    private int follower(Random random) {
        int leader = awaitLeader(Duration.ofSeconds(30));
        int f = random.nextInt(REPLICAS - 1);
        return f >= leader ? f + 1 : f;
    }

    /** Waits until every replica is ready, names the same leader and has applied the same height; returns it. */
    private long awaitSameHeightEverywhere(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            long[] heights = new long[REPLICAS];
            boolean ready = true;
            java.util.Set<String> leaders = new java.util.HashSet<>();
            for (int i = 0; i < REPLICAS; i++) {
                JsonNode c = get(i, "/v1/cluster");
                heights[i] = c == null ? -1 : c.path("appliedHeight").asLong();
                leaders.add(c == null ? "?" : c.path("leader").asText("?"));
                JsonNode r = get(i, "/health/ready");
                ready &= r != null && "ready".equals(r.path("status").asText());
            }
            ready &= leaders.size() == 1 && !leaders.contains("?") && !leaders.contains("null");
            last = java.util.Arrays.toString(heights);
            if (ready && heights[0] > 0 && heights[0] == heights[1] && heights[1] == heights[2]) {
                return heights[0];
            }
            pause(200);
        }
        throw new AssertionError("replicas did not converge within " + timeout + ": heights " + last + replicasNow());
    }

    /** The JSON of a GET, or null when the replica does not answer it with 200 or 503. */
    private JsonNode get(int i, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(urls[i] + path)).timeout(REQUEST_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 || r.statusCode() == 503 ? MAPPER.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
