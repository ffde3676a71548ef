package io.dexnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.testsupport.TemporaryDirectory;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import io.dexnode.state.StateFaults;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failed commit (the disk filled up) ends the node as docs/API.md promises: the waiting requests
 * get 503, readiness says halted (503, not 500), the exit seam gets status 70 and one line naming the
 * cause, nothing touches the failed store on the way out, and a restart serves every transaction
 * answered 200 before the failure. The failure is the real store's own ({@link StateFaults}): its
 * next write fails as ENOSPC would, and from then on it refuses every call.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeHaltTest {
    static final String DISK_FULL = "IO error: No space left on device: While appending to file: 000008.log";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** One call of the exit seam. */
    private record Exit(int status, String line) {
    }

    private Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Exit> exits = new CopyOnWriteArrayList<>();
    private final CountDownLatch exited = new CountDownLatch(1);
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Semaphore held = new Semaphore(0);
    private final Semaphore gate = new Semaphore(0);
    private TouchRecordingStore store;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void tempDir() throws IOException {
        dir = Files.createTempDirectory("dexnode-halt-test");
    }

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        gate.release(1_000_000);
        for (Node n : nodes) {
            n.close();
        }
        TemporaryDirectory.deleteRecursively(dir);
    }

    private NodeConfig config() {
        return NodeConfig.defaults(dir.resolve("data")).withPort(0).withDev(true).withGenesis(dir.resolve("absent.json"));
    }

    /** A node whose store is watched, whose producer can be held before a block, and whose halt is recorded, not an exit. */
    private Node startWatched() throws IOException {
        Node.Options options = new Node.Options(height -> {
            if (paused.get()) {
                held.release();
                gate.acquire();
            }
        }, (status, line) -> {
            exits.add(new Exit(status, line));
            exited.countDown();
        }).withState(s -> store = new TouchRecordingStore(s));
        Node node = Node.start(config(), options);
        nodes.add(node);
        store.watch(node.health()::isHalted);
        return node;
    }

    @Test
    void aFailedCommitAnswersWaitingRequestsWith503ReportsHaltedAndExitsWith70NamingTheCause() throws Exception {
        Node node = startWatched();
        NodeClient c = client(node);
        List<Signer> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Signer s = Signer.generate();
            assertThat(c.submit(s, deposit(s, 1, 100)).status()).isEqualTo(200);
            accounts.add(s);
        }

        // Hold the producer with a block in hand and three more requests queued behind it: all four wait.
        paused.set(true);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        waiting.add(sendAsync(http, c, accounts.get(0), deposit(accounts.get(0), 2, 5)));
        assertThat(held.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < 4; i++) {
            waiting.add(sendAsync(http, c, accounts.get(i), deposit(accounts.get(i), 2, 5)));
        }
        while (!c.get("/metrics").body().contains("dexnode_queue_depth 3.0")) {
            Thread.sleep(2);
        }
        // That block's write fails as on a full disk.
        StateFaults.failNextWrite(store.inner(), DISK_FULL);
        paused.set(false);
        gate.release(1_000_000);

        for (CompletableFuture<HttpResponse<String>> f : waiting) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            JsonNode body = NodeClient.parse(r.body());
            assertThat(body.path("code").asText()).isEqualTo("overloaded");
            assertThat(body.path("message").asText()).contains("halted", "No space left on device");
        }
        assertThat(exited.await(30, TimeUnit.SECONDS)).as("the exit seam was called").isTrue();
        assertThat(exits).hasSize(1);
        Exit exit = exits.get(0);
        assertThat(exit.status()).isEqualTo(70);
        assertThat(exit.line()).doesNotContain("\n", "\r").startsWith("dexnode: halted: ").contains("No space left on device")
                .contains("exiting with status 70");

        NodeClient.Response ready = c.get("/health/ready");
        assertThat(ready.status()).as(ready.body()).isEqualTo(503);
        assertThat(ready.json().path("status").asText()).isEqualTo("not_ready");
        assertThat(ready.json().path("reason").asText()).startsWith("halted: ").contains("No space left on device");
        assertThat(ready.json().path("height").asLong()).as("the last durable block").isEqualTo(5);
        assertThat(c.get("/health").status()).isEqualTo(503);
        assertThat(c.get("/health/live").status()).isEqualTo(200);
        assertThat(c.get("/metrics").status()).isEqualTo(200);
        for (String read : List.of("/v1/chain", "/v1/state", "/v1/markets", "/v1/accounts/" + accounts.get(0).account(),
                "/v1/blocks/1", "/v1/markets/1/depth", "/v1/proof?order=1")) {
            NodeClient.Response r = c.get(read);
            assertThat(r.status()).as(read + ": " + r.body()).isEqualTo(503);
            assertThat(r.json().path("message").asText()).as(read).contains("halted");
        }
        NodeClient.Response late = c.submit(accounts.get(0), deposit(accounts.get(0), 3, 5));
        assertThat(late.status()).as(late.body()).isEqualTo(503);

        node.close();
        nodes.remove(node);
        assertThat(store.touchesAfterHalt()).as("calls to the failed store after the halt").isEmpty();
    }

    @Test
    void everyTransactionAnswered200BeforeTheFailureIsThereAfterARestart() throws Exception {
        Node node = startWatched();
        NodeClient c = client(node);
        int clients = 4;
        List<Signer> traders = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Signer s = Signer.generate();
            assertThat(c.submit(s, deposit(s, 1, 1_000_000_000L)).status()).isEqualTo(200);
            traders.add(s);
        }
        // Each client places orders one after another until the node refuses; the disk fills up mid-way.
        Map<Long, String> acknowledgedOrders = new ConcurrentHashMap<>();
        Map<String, Long> acknowledgedNonces = new ConcurrentHashMap<>();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                Signer s = traders.get(t);
                String side = t % 2 == 0 ? "buy" : "sell";
                long price = t % 2 == 0 ? 900 : 1100;
                running.add(pool.submit(() -> {
                    for (long nonce = 2; ; nonce++) {
                        NodeClient.Response r = c.submit(s, "{\"type\":\"place\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce
                                + ",\"market\":1,\"side\":\"" + side + "\",\"price\":" + price + ",\"size\":1}");
                        if (r.status() == 200) {
                            acknowledgedOrders.put(r.json().path("orderId").asLong(), s.account());
                            acknowledgedNonces.put(s.account(), nonce);
                            answered.incrementAndGet();
                        } else {
                            if (r.status() != 503 || !r.body().contains("halted")) {
                                unexpected.add(r.status() + " " + r.body());
                            }
                            return null;
                        }
                    }
                }));
            }
            while (answered.get() < 200) {
                Thread.sleep(1);
            }
            StateFaults.failNextWrite(store.inner(), DISK_FULL);
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(unexpected).as("answers other than 200 or 503 halted").isEmpty();
        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(exits).extracting(Exit::status).containsExactly(70);
        node.close();
        nodes.remove(node);
        assertThat(store.touchesAfterHalt()).as("calls to the failed store after the halt").isEmpty();

        Node again = Node.start(config(), new Node.Options(h -> { }, (status, line) -> { }));
        nodes.add(again);
        NodeClient c2 = client(again);
        assertThat(c2.get("/health/ready").status()).isEqualTo(200);
        for (Map.Entry<Long, String> o : acknowledgedOrders.entrySet()) {
            NodeClient.Response r = c2.get("/v1/orders/" + o.getKey());
            assertThat(r.status()).as("acknowledged order " + o.getKey()).isEqualTo(200);
            assertThat(r.json().path("account").asText()).isEqualTo(o.getValue());
        }
        for (Map.Entry<String, Long> n : acknowledgedNonces.entrySet()) {
            assertThat(c2.lastNonce(n.getKey())).as("last nonce of " + n.getKey()).isGreaterThanOrEqualTo(n.getValue());
        }
        assertThat(acknowledgedOrders).hasSizeGreaterThanOrEqualTo(200);
    }

    @Test
    void aHaltedProcessAnswersItsWaitingRequests503ThenExitsWith70AndPrintsTheCauseOnOneLine() throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HaltingNodeMain.class.getName(), dir.resolve("data").toString())
                .redirectError(stderr.toFile()).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String serving = awaitLine(out, "serving on ", stderr);
        NodeClient c = new NodeClient(serving.substring("serving on ".length()));
        Signer alice = Signer.generate();
        assertThat(c.submit(alice, deposit(alice, 1, 100)).status()).isEqualTo(200);

        // Twenty requests wait in the node: one in the block the producer is held before, the rest queued.
        command(p, "hold");
        awaitLine(out, "holding", stderr);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        waiting.add(sendAsync(http, c, alice, deposit(alice, 2, 5)));
        awaitLine(out, "held", stderr);
        for (int i = 0; i < 19; i++) {
            Signer s = Signer.generate();
            waiting.add(sendAsync(http, c, s, deposit(s, 1, 5)));
        }
        while (!c.get("/metrics").body().contains("dexnode_queue_depth 19.0")) {
            Thread.sleep(2);
        }
        // The held block's write fails as on a full disk: each waiting request is answered 503 before the process ends.
        command(p, "fail");
        for (CompletableFuture<HttpResponse<String>> f : waiting) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.body()).contains("halted", "No space left on device");
        }

        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process exited").isTrue();
        assertThat(p.exitValue()).isEqualTo(70);
        List<String> lines = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).startsWith("dexnode: halted: commit of block 3 failed: ")
                .contains("No space left on device").endsWith("exiting with status 70 (a restart recovers from the last committed block)");

        Node again = Node.start(config(), new Node.Options(h -> { }, (status, line) -> { }));
        nodes.add(again);
        NodeClient c2 = new NodeClient(again.url());
        assertThat(c2.get("/v1/accounts/" + alice.account()).json().path("collateral").asLong()).isEqualTo(100);
        assertThat(c2.get("/health/ready").json().path("height").asLong()).isEqualTo(2);
    }

    private static void command(Process p, String command) throws IOException {
        p.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
    }

    /** The first line of the child's output that starts with {@code prefix}. */
    private static String awaitLine(BufferedReader out, String prefix, Path stderr) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the child exited before printing \"" + prefix + "\":\n" + Files.readString(stderr));
    }

    private static NodeClient client(Node node) {
        return new NodeClient(node.url());
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(HttpClient http, NodeClient c, Signer s, String payload) {
        return http.sendAsync(java.net.http.HttpRequest.newBuilder(c.txRequest(s.envelope(payload)), (k, v) -> true)
                .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String deposit(Signer s, long nonce, long amount) {
        return "{\"type\":\"deposit\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ",\"amount\":" + amount + "}";
    }
}
