package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.node.TestNode;
import io.dexnode.node.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every HTTP input a client controls, fuzzed with fixed seeds and probed with targeted edge cases,
 * against one real node (--dev, with an admin key). For every request: the status is one the API
 * documents (never 500), a refusal is {@code {"code","message"}} whose code belongs to that status,
 * a refused transaction leaves the state root as it was, and the node stays ready.
 */
@Timeout(300)
class ApiFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 403, 404, 409, 413, 422);
    private static final Map<String, Integer> NON_TX_CODES = Map.of("not_found", 404, "unknown_block", 404);

    private static Signer admin;
    private static Signer alice;
    private static Signer bob;
    private static TestNode node;
    private static String host;
    private static int port;
    private static long aliceOrder;
    private static long bobOrder;

    @BeforeAll
    static void start() throws Exception {
        admin = Signer.generate();
        node = TestNode.start(true, admin, 10_000);
        URI uri = URI.create(node.url());
        host = uri.getHost();
        port = uri.getPort();
        alice = node.funded(1_000_000_000L);
        bob = node.funded(1_000_000_000L);
        aliceOrder = node.tx(alice, "place", "market", 1, "side", "buy", "price", 90, "size", 5, "clientOrderId", "rest-a")
                .json().path("orderId").asLong();
        bobOrder = node.tx(bob, "place", "market", 1, "side", "sell", "price", 110, "size", 5, "clientOrderId", "rest-b")
                .json().path("orderId").asLong();
        assertThat(aliceOrder).isPositive();
        assertThat(bobOrder).isPositive();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // ---------------------------------------------------------------- transactions: fuzz

    @Test
    void randomlyMutatedTransactionsGetTypedAnswersAndRefusalsChangeNothing() {
        Random rnd = new Random(20240601L);
        for (int i = 0; i < 400; i++) {
            Signer signer = rnd.nextInt(10) == 0 ? bob : alice;
            String type = TYPES[rnd.nextInt(TYPES.length)];
            List<String[]> fields = template(type, signer, rnd);
            int mutations = new int[] {0, 0, 1, 1, 1, 1, 2, 3}[rnd.nextInt(8)];
            for (int m = 0; m < mutations; m++) {
                mutate(fields, rnd);
            }
            Signer by = type.equals("create_market") && rnd.nextInt(4) != 0 ? admin
                    : rnd.nextInt(20) == 0 ? (signer == alice ? bob : alice) : signer;
            String payload = render(fields);
            submitAndCheck("seed 20240601 #" + i + " " + payload, envelope(by, payload).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomlyCorruptedEnvelopesGetTypedAnswersAndRefusalsChangeNothing() {
        Random rnd = new Random(77L);
        for (int i = 0; i < 300; i++) {
            byte[] body = corrupt(envelope(alice, withdraw(alice, node.nextNonce(alice.account()))).getBytes(StandardCharsets.UTF_8), rnd);
            submitAndCheck("seed 77 #" + i + " " + new String(body, StandardCharsets.ISO_8859_1), body);
        }
    }

    @Test
    void everyFieldOfEveryTypeMistypedOrOutOfRange() {
        String[] bad = {"null", "\"1\"", "1.5", "-1", "0", "9223372036854775807", "9223372036854775808", "true", "[]", "{}",
                "\"\"", q("z".repeat(65))};
        Random rnd = new Random(5L);
        for (String type : new String[] {"deposit", "withdraw", "place", "cancel", "cancel_all", "reduce", "amend", "create_market"}) {
            List<String[]> base = template(type, alice, rnd);
            for (int f = 0; f < base.size(); f++) {
                if (base.get(f)[0].equals("type") || base.get(f)[0].equals("nonce")) {
                    continue;
                }
                for (String value : bad) {
                    List<String[]> fields = new ArrayList<>();
                    for (String[] kv : base) {
                        fields.add(kv[0].equals("nonce") ? new String[] {"nonce", String.valueOf(node.nextNonce(alice.account()))}
                                : kv.clone());
                    }
                    fields.get(f)[1] = value;
                    String payload = render(fields);
                    submitAndCheck(payload, envelope(type.equals("create_market") ? admin : alice, payload)
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    // ---------------------------------------------------------------- transactions: edge cases

    @Test
    void envelopeEdgeCasesAreTypedRefusals() {
        Signer own = node.funded(1_000_000);
        String ok = withdraw(own, node.nextNonce(own.account()));
        String sig = own.signHex(ok);
        String pub = own.account();
        expect("empty body", new byte[0], 400);
        expect("whitespace", "  \n ", 400);
        expect("null", "null", 400);
        expect("array", "[1,2]", 400);
        expect("string", "\"x\"", 400);
        expect("number", "1e18", 400);
        expect("not JSON", "payload=x", 400);
        expect("truncated", "{\"payload\":", 400);
        expect("invalid UTF-8", concat("{\"payload\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xc3, (byte) 0x28},
                "\",\"pubkey\":\"00\",\"signature\":\"00\"}".getBytes(StandardCharsets.UTF_8)), 400);
        expect("lone continuation byte", concat(new byte[] {(byte) 0x80}, env(ok, pub, sig).getBytes(StandardCharsets.UTF_8)), 400);
        expect("payload an object", "{\"payload\":{\"type\":\"withdraw\"},\"pubkey\":\"" + pub + "\",\"signature\":\"" + sig + "\"}", 400);
        expect("payload a number", "{\"payload\":1,\"pubkey\":\"" + pub + "\",\"signature\":\"" + sig + "\"}", 400);
        expect("payload null", "{\"payload\":null,\"pubkey\":\"" + pub + "\",\"signature\":\"" + sig + "\"}", 400);
        expect("no payload", "{\"pubkey\":\"" + pub + "\",\"signature\":\"" + sig + "\"}", 400);
        expect("extra envelope field", "{\"payload\":" + q(ok) + ",\"pubkey\":\"" + pub + "\",\"signature\":\"" + sig + "\",\"x\":1}", 400);
        expect("no signature", "{\"payload\":" + q(ok) + ",\"pubkey\":\"" + pub + "\"}", 401);
        expect("no pubkey", "{\"payload\":" + q(ok) + ",\"signature\":\"" + sig + "\"}", 401);
        expect("pubkey a number", "{\"payload\":" + q(ok) + ",\"pubkey\":1,\"signature\":\"" + sig + "\"}", 401);
        expect("signature an array", "{\"payload\":" + q(ok) + ",\"pubkey\":\"" + pub + "\",\"signature\":[1]}", 401);
        expect("short signature", env(ok, pub, sig.substring(2)), 401);
        expect("long signature", env(ok, pub, sig + "00"), 401);
        expect("non-hex signature", env(ok, pub, "zz" + sig.substring(2)), 401);
        expect("empty signature", env(ok, pub, ""), 401);
        expect("all-zero signature", env(ok, pub, "0".repeat(128)), 401);
        expect("short pubkey", env(ok, pub.substring(2), sig), 401);
        expect("non-hex pubkey", env(ok, "g" + pub.substring(1), sig), 401);
        expect("pubkey not a curve point", env(ok, "ff".repeat(32), sig), 401);
        expect("all-zero pubkey", env(ok, "00".repeat(32), sig), 401);
        expect("another key's signature", env(ok, bob.account(), sig), 401);
        expect("payload with one more space", env(ok + " ", pub, sig), 401);
        String bobsWithdraw = withdraw(bob, node.nextNonce(bob.account()));
        expect("payload for another account", env(bobsWithdraw, pub, own.signHex(bobsWithdraw)), 403);
        expect("payload not JSON", env("hello", pub, own.signHex("hello")), 400);
        expect("payload empty", env("", pub, own.signHex("")), 400);
        expect("payload a JSON array", env("[]", pub, own.signHex("[]")), 400);
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        expect("deeply nested payload", env(deep, pub, own.signHex(deep)), 400);
        expect("deeply nested body", "{\"payload\":" + deep + "}", 400);
        expect("deeply nested objects", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000), 400);
        expect("a 60,000-digit number", "{\"payload\":" + "9".repeat(60_000) + "}", 400);
        // Upper-case hex is hex: the signature and the key are the same bytes.
        expect("upper-case signature", env(ok, pub, sig.toUpperCase(Locale.ROOT)), 200);
        String next = withdraw(own, node.nextNonce(own.account()));
        expect("upper-case pubkey", env(next, pub.toUpperCase(Locale.ROOT), own.signHex(next)), 200);
        String bom = withdraw(own, node.nextNonce(own.account()));
        expect("UTF-8 byte order mark", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                env(bom, pub, own.signHex(bom)).getBytes(StandardCharsets.UTF_8)), 200);
    }

    @Test
    void contentAfterTheEnvelopeOrThePayloadIsMalformed() {
        Signer own = node.funded(1_000_000);
        String ok = withdraw(own, node.nextNonce(own.account()));
        String envelope = envelope(own, ok);
        // Each was accepted as the first JSON value, the rest ignored: the node executed something
        // other than the whole body or the whole signed payload.
        expect("a second closing brace", envelope + "}", 400);
        expect("a second envelope", envelope + envelope, 400);
        expect("trailing words", envelope + " and more", 400);
        String twice = ok + " {\"type\":\"withdraw\",\"amount\":500}";
        expect("a payload followed by another object", envelope(own, twice), 400);
        expect("a payload followed by garbage", envelope(own, ok + "]"), 400);
        expect("trailing whitespace is still one document", envelope + " \r\n", 200);
    }

    @Test
    void duplicateFieldsAreMalformed() {
        Signer own = node.funded(1_000_000);
        long nonce = node.nextNonce(own.account());
        String small = withdraw(own, nonce);
        String large = "{\"type\":\"withdraw\",\"account\":\"" + own.account() + "\",\"nonce\":" + nonce + ",\"amount\":500}";
        // Which "amount" is meant? Parsers differ (first or last wins), so a signer's tool and the
        // node can read one signed payload as two different transactions.
        String both = "{\"type\":\"withdraw\",\"account\":\"" + own.account() + "\",\"nonce\":" + nonce
                + ",\"amount\":1,\"amount\":500}";
        expect("a payload naming amount twice", envelope(own, both), 400);
        expect("an envelope naming payload twice",
                "{\"payload\":" + q(small) + ",\"payload\":" + q(large) + ",\"pubkey\":\"" + own.account() + "\",\"signature\":\""
                        + own.signHex(large) + "\"}", 400);
        expect("an envelope naming signature twice", "{\"payload\":" + q(small) + ",\"pubkey\":\"" + own.account()
                + "\",\"signature\":\"00\",\"signature\":\"" + own.signHex(small) + "\"}", 400);
    }

    @Test
    void numbersThatAreNotPlainIntegersAreMalformed() {
        Signer own = node.funded(1_000_000);
        for (String amount : new String[] {"1e3", "1E3", "1.0", "1.5", "-0.0", "0.1", "1e400", "\"1000\"", "true", "null",
                "[1000]", "{\"v\":1000}", "9223372036854775808", "18446744073709551616", "-9223372036854775809",
                "123456789012345678901234567890", "01", "+1", "NaN", "Infinity", "0x10", "-"}) {
            String payload = "{\"type\":\"deposit\",\"account\":\"" + own.account() + "\",\"nonce\":"
                    + node.nextNonce(own.account()) + ",\"amount\":" + amount + "}";
            Answer a = submitAndCheck("amount " + amount, envelope(own, payload).getBytes(StandardCharsets.UTF_8));
            assertThat(a.status).as("amount " + amount + ": " + a.body).isEqualTo(400);
        }
        // -0 is the integer 0: a deposit of nothing is refused by the rules.
        String zero = "{\"type\":\"deposit\",\"account\":\"" + own.account() + "\",\"nonce\":"
                + node.nextNonce(own.account()) + ",\"amount\":-0}";
        assertThat(submitAndCheck("amount -0", envelope(own, zero).getBytes(StandardCharsets.UTF_8)).status).isEqualTo(422);
    }

    @Test
    void marketIdsAndNoncesAtTheirLimits() {
        for (String market : new String[] {"0", "-1", "2147483648", "4294967295", "4294967296", "9223372036854775807"}) {
            String payload = "{\"type\":\"place\",\"account\":\"" + alice.account() + "\",\"nonce\":"
                    + node.nextNonce(alice.account()) + ",\"market\":" + market + ",\"side\":\"buy\",\"price\":1,\"size\":1}";
            assertThat(submitAndCheck("market " + market, envelope(alice, payload).getBytes(StandardCharsets.UTF_8)).status)
                    .as("market " + market).isEqualTo(400);
        }
        String unknown = "{\"type\":\"place\",\"account\":\"" + alice.account() + "\",\"nonce\":"
                + node.nextNonce(alice.account()) + ",\"market\":2147483647,\"side\":\"buy\",\"price\":1,\"size\":1}";
        assertThat(submitAndCheck("market 2^31-1", envelope(alice, unknown).getBytes(StandardCharsets.UTF_8)).status).isEqualTo(404);

        Signer carol = node.funded(1_000);
        for (String nonce : new String[] {"0", "-1", "-9223372036854775808", "9223372036854775808", "1.0", "\"2\""}) {
            String payload = withdrawWithNonce(carol, nonce);
            assertThat(submitAndCheck("nonce " + nonce, envelope(carol, payload).getBytes(StandardCharsets.UTF_8)).status)
                    .as("nonce " + nonce).isEqualTo(400);
        }
        // Long.MAX_VALUE is a legal nonce; after it the account can sign nothing more.
        String last = withdrawWithNonce(carol, String.valueOf(Long.MAX_VALUE));
        assertThat(submitAndCheck("nonce max", envelope(carol, last).getBytes(StandardCharsets.UTF_8)).status).isEqualTo(200);
        Answer replay = submitAndCheck("nonce max again", envelope(carol, last).getBytes(StandardCharsets.UTF_8));
        assertThat(replay.status).isEqualTo(409);
        assertThat(replay.json.path("code").asText()).isEqualTo("stale_nonce");
    }

    @Test
    void clientOrderIdsAtTheirLimits() {
        Signer dave = node.funded(1_000_000);
        Object[][] cases = {
                {"\"\"", 400}, {q("x".repeat(64)), 200}, {q("y".repeat(65)), 400}, {q("é".repeat(64)), 200},
                {q("\uD83D\uDE00".repeat(32)), 200}, {q("\uD83D\uDE01".repeat(33)), 400}, {"\"\\u0000\"", 200},
                {"\"tab\\tnew\\nline\\u001f\"", 200}, {"1", 400}, {"null", 200}, {"[\"c\"]", 400}, {"{}", 400},
        };
        for (Object[] c : cases) {
            String payload = "{\"type\":\"place\",\"account\":\"" + dave.account() + "\",\"nonce\":"
                    + node.nextNonce(dave.account()) + ",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1,\"clientOrderId\":"
                    + c[0] + "}";
            Answer a = submitAndCheck("clientOrderId " + c[0], envelope(dave, payload).getBytes(StandardCharsets.UTF_8));
            assertThat(a.status).as("clientOrderId " + c[0] + ": " + a.body).isEqualTo(c[1]);
        }
    }

    @Test
    void stringsThatAreNotUnicodeAreMalformed() {
        // A lone surrogate has no UTF-8 form: state stores it as "?", so "\ud800" and "\udc00" were
        // two client order ids in memory but one in state (two active orders sharing an id after a
        // restart), and the order view showed an id ("?") that names neither.
        Signer erin = node.funded(1_000_000);
        for (String id : new String[] {"\"\\ud800\"", "\"\\udc00\"", "\"a\\ud800\\ud800\"", "\"\\ude00\\ud83d\""}) {
            String payload = "{\"type\":\"place\",\"account\":\"" + erin.account() + "\",\"nonce\":"
                    + node.nextNonce(erin.account()) + ",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1,\"clientOrderId\":"
                    + id + "}";
            expect("clientOrderId " + id, envelope(erin, payload), 400);
        }
        // The same escaped in the envelope: the payload string itself holds the lone surrogate (and
        // the signature covers its UTF-8 form, where it is '?').
        String raw = "{\"type\":\"place\",\"account\":\"" + erin.account() + "\",\"nonce\":" + node.nextNonce(erin.account())
                + ",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1,\"clientOrderId\":\"\uD800\"}";
        expect("a lone surrogate in the payload string", "{\"payload\":" + q(raw.replace("\uD800", "LONE")).replace("LONE", "\\ud800")
                + ",\"pubkey\":\"" + erin.account() + "\",\"signature\":\"" + erin.signHex(raw) + "\"}", 400);
        String pair = "{\"type\":\"place\",\"account\":\"" + erin.account() + "\",\"nonce\":" + node.nextNonce(erin.account())
                + ",\"market\":1,\"side\":\"buy\",\"price\":1,\"size\":1,\"clientOrderId\":\"\\ud83d\\ude00\"}";
        expect("a surrogate pair", envelope(erin, pair), 200);
    }

    @Test
    void anAmendToPriceOrSizeZeroIsRefusedNotANoOp() {
        Signer frank = node.funded(1_000_000);
        long order = node.tx(frank, "place", "market", 1, "side", "buy", "price", 80, "size", 4).json().path("orderId").asLong();
        // 0 stood for "keep" inside the node, so an explicit 0 was answered 200 and changed nothing
        // but the nonce; a negative value was refused (422). Absent is how to keep.
        for (Object[] c : new Object[][] {{"price", 0}, {"size", 0}, {"price", -1}, {"size", -1}}) {
            long last = node.nextNonce(frank.account()) - 1;
            NodeClient.Response r = node.tx(frank, "amend", "order", order, (String) c[0], c[1]);
            assertThat(r.status()).as(c[0] + " " + c[1] + ": " + r.body()).isIn(400, 422);
            assertThat(node.nextNonce(frank.account()) - 1).as("nonce after " + c[0] + " " + c[1]).isEqualTo(last);
        }
        assertThat(node.tx(frank, "amend", "order", order, "size", 3).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- reads

    @Test
    void everyReadParameterGetsATypedAnswer() {
        String[] ids = {"", "0", "1", "-1", "+1", "01", "1.0", "1e3", "abc", "%20", "%2F", "%2e%2e", "..", ".", "%25",
                "%C3%A9", "2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775807",
                "9223372036854775808", "99999999999999999999999", "1;x", "1%3Bx", "1?", "x".repeat(5_000)};
        List<String> paths = new ArrayList<>();
        for (String id : ids) {
            paths.add("/v1/markets/" + id);
            paths.add("/v1/markets/" + id + "/depth");
            paths.add("/v1/markets/" + id + "/trades");
            paths.add("/v1/orders/" + id);
            paths.add("/v1/accounts/" + id);
            paths.add("/v1/accounts/" + id + "/orders");
            paths.add("/v1/blocks/" + id);
            paths.add("/v1/proof?order=" + id);
            paths.add("/v1/proof?key=" + id);
            paths.add("/v1/proof?order=1&height=" + id);
            paths.add("/v1/markets/1/depth?levels=" + id);
            paths.add("/v1/markets/1/trades?limit=" + id);
            paths.add("/v1/accounts/" + alice.account() + "/orders?limit=" + id);
            paths.add("/v1/accounts/" + alice.account() + "/orders?status=" + id);
            paths.add("/v1/state?x=" + id);
        }
        paths.addAll(List.of("/v1/markets/1/depth?levels=100000", "/v1/markets/1/depth?levels=100001",
                "/v1/markets/1/depth?levels=1&levels=abc", "/v1/markets/1/depth?levels=abc&levels=1",
                "/v1/markets/1/trades?limit=1000", "/v1/markets/1/trades?limit=1001", "/v1/markets/1/trades?limit",
                "/v1/accounts/" + alice.account().toUpperCase(Locale.ROOT), "/v1/accounts/" + alice.account() + "%20",
                "/v1/accounts/" + alice.account() + "/orders?status=ACTIVE",
                "/v1/accounts/" + alice.account() + "/orders?status=active&status=x",
                "/v1/proof", "/v1/proof?key=&order=", "/v1/proof?key=01&order=1", "/v1/proof?key=0", "/v1/proof?key=0G",
                "/v1/proof?key=" + "ab".repeat(2_000), "/v1/proof?key=0100000001&height=0", "/v1/proof?key=0100000001&height=1",
                "/v1/proof?key=0100000001&height=-1", "/v1/proof?key=0100000001&height=", "/v1/proof?order=0",
                "/v1/proof?order=" + aliceOrder + "&height=1", "/v1/blocks/1", "/v1/orders/" + aliceOrder,
                "/v1/markets", "/v1/markets/", "/v1/markets//depth", "/v1/state", "/v1/state/", "/v1", "/",
                "/v1/tx", "/v1/../v1/state", "/v1/./state", "//v1/state", "/v1/markets/1/depth/x", "/health/ready?x=1",
                "/v1/markets/1?levels=-1"));
        String root = stateRoot();
        for (String path : paths) {
            assertTyped("GET " + abbreviate(path), get(path), Set.of(200, 400, 404));
        }
        assertThat(stateRoot()).isEqualTo(root);
        assertReady("the reads");
    }

    @Test
    void queryValuesThatAreNotPercentEncodingAreMalformed() {
        // Javalin drops such a value as if the parameter were absent: these were answered 200, with
        // the default levels and limit, every order instead of the active ones, the latest height.
        for (String path : new String[] {"/v1/markets/1/depth?levels=%ZZ", "/v1/markets/1/trades?limit=1%",
                "/v1/accounts/" + alice.account() + "/orders?status=a%ZZb", "/v1/proof?order=1&height=%G1"}) {
            assertTyped("GET " + path, get(path), Set.of(400));
        }
    }

    // ---------------------------------------------------------------- what the HTTP layer refuses

    @Test
    void requestsTheHttpLayerRefusesGetTheApiErrorShape() {
        String root = stateRoot();
        for (String path : new String[] {"/v1/markets/%ZZ", "/v1/orders/%", "/v1/accounts/%00", "/v1/accounts/%FF",
                "/v1/blocks/%C3"}) {
            assertTyped("GET " + path, get(path), Set.of(400));
        }
        byte[] body = envelope(alice, withdraw(alice, node.nextNonce(alice.account()))).getBytes(StandardCharsets.UTF_8);
        for (String length : new String[] {"abc", "99999999999999999999999", "-1", "1 1", "0x10"}) {
            Answer a = raw("POST /v1/tx HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\n", body);
            assertTyped("Content-Length: " + length, a, Set.of(400));
        }
        // A WebSocket upgrade without its key was logged as a failure and answered 500.
        assertTyped("an upgrade without Sec-WebSocket-Key", raw("GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\n\r\n", new byte[0]), Set.of(400));
        assertTyped("no Host", raw("GET /v1/state HTTP/1.1\r\nConnection: close\r\n\r\n", new byte[0]), Set.of(400));
        assertTyped("not HTTP", raw("HELLO\r\n\r\n", new byte[0]), Set.of(400));
        // Too long a request line or headers: the status says which (414, 431), the code says too_large.
        assertTooLarge(raw("GET /v1/accounts/" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                new byte[0]), 414);
        assertTooLarge(raw("GET /v1/state HTTP/1.1\r\nHost: x\r\nX-A: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
                new byte[0]), 431);
        assertThat(stateRoot()).isEqualTo(root);
        assertReady("the refused requests");
    }

    @Test
    void bodiesOfEveryLengthAreBounded() {
        String root = stateRoot();
        // 64 KiB + 1 and 2 MiB sent in chunks (no Content-Length to refuse it by).
        for (int size : new int[] {64 * 1024 + 1, 2 << 20}) {
            assertTyped("chunked " + size, chunked(new byte[size]), Set.of(413));
        }
        assertTyped("64 KiB + 1 with its length", post(new byte[64 * 1024 + 1]), Set.of(413));
        assertThat(stateRoot()).isEqualTo(root);
        assertReady("the large bodies");
    }

    @Test
    void aBodyCutShortIsMalformedNotAnInternalError() {
        String root = stateRoot();
        Answer cut = raw("POST /v1/tx HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100\r\n\r\n",
                "{\"payload\":".getBytes(StandardCharsets.UTF_8), true);
        assertTyped("a body of 11 bytes of 100, then end of stream", cut, Set.of(400));
        assertThat(stateRoot()).isEqualTo(root);
        assertReady("a cut body");
    }

    // ---------------------------------------------------------------- the fuzz generator

    private static final String[] TYPES = {"deposit", "withdraw", "place", "place", "place", "cancel", "cancel_all", "reduce",
            "amend", "amend", "create_market", "transfer", "PLACE", ""};

    /** JSON literals a field may be replaced by. */
    private static final String[] VALUES = {
            "0", "-0", "1", "-1", "2", "3", "5", "90", "100", "110", "2147483647", "2147483648", "4294967295", "4294967296",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616", "1e18", "1E2",
            "1.0", "1.5", "-0.0", "0.1", "1e400", "123456789012345678901234567890", "4611686018427387904", "922337203685477",
            "true", "false", "null", "[]", "{}", "[1]", "{\"a\":1}", "[[[[[[[[[[1]]]]]]]]]]", "[".repeat(3000) + "]".repeat(3000),
            "\"\"", "\"1\"", "\"100\"", "\"buy\"", "\"sell\"", "\"BUY\"", "\"gtc\"", "\"ioc\"", "\"fok\"", "\"post_only\"",
            "\"cancel_resting\"", "\"cancel_incoming\"", "\"cancel_both\"", "\"allow\"", "\"rest-a\"", "\"rest-b\"",
            q("x".repeat(64)), q("x".repeat(65)), q("é".repeat(64)), q("\uD83D\uDE00".repeat(32)), q("\uD83D\uDE00".repeat(33)),
            "\"\\u0000\"", "\"\\u0001\\n\\t\"", "\"\\ud800\"", "\"\\udc00x\"", "\"BTC-USD\"", q("s".repeat(1000)),
    };

    private static final String[] INTS = {"0", "-1", "1", "2", "3", "5", "6", "90", "100", "110", "1000", "10000", "10001",
            "2147483647", "4294967295", "9223372036854775807", "-9223372036854775808", "4611686018427387904",
            "922337203685477580", "922337203685477", "3037000499", "3037000500", "1000000000000"};
    private static final String[] STRINGS = {"\"buy\"", "\"sell\"", "\"gtc\"", "\"ioc\"", "\"fok\"", "\"post_only\"",
            "\"cancel_resting\"", "\"cancel_incoming\"", "\"cancel_both\"", "\"allow\"", "\"rest-a\"", "\"rest-b\"", "\"c1\"",
            "\"\"", q("x".repeat(64)), q("x".repeat(65)), "\"\\ud800\"", "\"BTC-USD\""};

    private static List<String[]> template(String type, Signer s, Random rnd) {
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {"type", q(type)});
        String account = s.account();
        if (!type.equals("create_market")) {
            f.add(new String[] {"account", q(account)});
        }
        f.add(new String[] {"nonce", String.valueOf(node.nextNonce(account))});
        long own = s == alice ? aliceOrder : bobOrder;
        String ownClient = s == alice ? "rest-a" : "rest-b";
        switch (type) {
            case "deposit" -> f.add(new String[] {"amount", String.valueOf(1 + rnd.nextInt(1000))});
            case "withdraw" -> f.add(new String[] {"amount", "1"});
            case "place" -> {
                f.add(new String[] {"market", "1"});
                f.add(new String[] {"side", rnd.nextBoolean() ? "\"buy\"" : "\"sell\""});
                f.add(new String[] {"price", String.valueOf(95 + rnd.nextInt(11))});
                f.add(new String[] {"size", String.valueOf(1 + rnd.nextInt(3))});
                if (rnd.nextBoolean()) {
                    f.add(new String[] {"tif", q(new String[] {"gtc", "ioc", "fok", "post_only"}[rnd.nextInt(4)])});
                }
                if (rnd.nextBoolean()) {
                    f.add(new String[] {"clientOrderId", q("c" + rnd.nextInt(1_000_000))});
                }
                if (rnd.nextBoolean()) {
                    f.add(new String[] {"stp", q(new String[] {"cancel_resting", "cancel_incoming", "cancel_both", "allow"}[rnd.nextInt(4)])});
                }
            }
            case "cancel" -> f.add(rnd.nextBoolean() ? new String[] {"order", String.valueOf(own)}
                    : new String[] {"clientOrderId", q(ownClient)});
            case "cancel_all" -> {
                if (rnd.nextBoolean()) {
                    f.add(new String[] {"market", "1"});
                }
            }
            case "reduce" -> {
                f.add(rnd.nextBoolean() ? new String[] {"order", String.valueOf(own)} : new String[] {"clientOrderId", q(ownClient)});
                f.add(new String[] {"size", String.valueOf(1 + rnd.nextInt(6))});
            }
            case "amend" -> {
                f.add(rnd.nextBoolean() ? new String[] {"order", String.valueOf(own)} : new String[] {"clientOrderId", q(ownClient)});
                if (rnd.nextBoolean()) {
                    f.add(new String[] {"price", String.valueOf(85 + rnd.nextInt(30))});
                }
                f.add(new String[] {"size", String.valueOf(1 + rnd.nextInt(6))});
            }
            case "create_market" -> {
                f.add(new String[] {"market", String.valueOf(10 + rnd.nextInt(1000))});
                f.add(new String[] {"symbol", q("F" + rnd.nextInt(1000))});
                for (String k : new String[] {"tickSize", "lotSize", "minSize"}) {
                    f.add(new String[] {k, "1"});
                }
                f.add(new String[] {"makerFeeBps", "2"});
                f.add(new String[] {"takerFeeBps", "5"});
                f.add(new String[] {"initialMarginBps", "1000"});
                f.add(new String[] {"maintenanceMarginBps", "500"});
            }
            default -> f.add(new String[] {"market", "1"});
        }
        return f;
    }

    private static void mutate(List<String[]> f, Random rnd) {
        switch (new int[] {0, 1, 1, 1, 1, 1, 2, 3, 4, 5}[rnd.nextInt(10)]) {
            case 0 -> {
                String[] kv = f.get(rnd.nextInt(f.size()));
                if (!kv[0].equals("nonce")) {
                    kv[1] = VALUES[rnd.nextInt(VALUES.length)];
                }
            }
            case 1 -> {
                // A value of the right JSON type, often at or past a limit: these reach the engine.
                String[] kv = f.get(rnd.nextInt(f.size()));
                if (kv[0].equals("type") || kv[0].equals("nonce")) {
                    return;
                }
                boolean number = !kv[1].startsWith("\"");
                kv[1] = number ? (rnd.nextBoolean() ? INTS[rnd.nextInt(INTS.length)] : String.valueOf(rnd.nextInt(300) - 50))
                        : STRINGS[rnd.nextInt(STRINGS.length)];
            }
            case 2 -> f.remove(rnd.nextInt(f.size()));
            case 3 -> f.add(new String[] {new String[] {"extra", "Type", "", "type ", "order", "clientOrderId", "price", "market"}[rnd.nextInt(8)],
                    VALUES[rnd.nextInt(VALUES.length)]});
            case 4 -> {
                if (!f.isEmpty()) {
                    f.add(new String[] {f.get(rnd.nextInt(f.size()))[0], VALUES[rnd.nextInt(VALUES.length)]});
                }
            }
            default -> {
                for (String[] kv : f) {
                    if (kv[0].equals("nonce")) {
                        // Not Long.MAX_VALUE: that is a legal last nonce, after which the account can sign nothing more.
                        kv[1] = new String[] {"0", "1", "-1", kv[1].matches("\\d{1,9}") ? String.valueOf(Long.parseLong(kv[1]) + 1000) : "7", "\"5\"", "1.0"}[rnd.nextInt(6)];
                    }
                }
            }
        }
    }

    private static String render(List<String[]> f) {
        StringBuilder sb = new StringBuilder("{");
        for (String[] kv : f) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(q(kv[0])).append(':').append(kv[1]);
        }
        return sb.append('}').toString();
    }

    private static byte[] corrupt(byte[] body, Random rnd) {
        byte[] b = body.clone();
        switch (rnd.nextInt(8)) {
            case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 1 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 2 -> {
                int at = rnd.nextInt(b.length);
                b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, at + 1, b.length));
            }
            case 3 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 4 -> {
                int at = rnd.nextInt(b.length);
                byte[] ins = new byte[1 + rnd.nextInt(4)];
                rnd.nextBytes(ins);
                b = concat(java.util.Arrays.copyOf(b, at), ins, java.util.Arrays.copyOfRange(b, at, b.length));
            }
            case 5 -> {
                String s = new String(b, StandardCharsets.UTF_8);
                String[] swaps = {"\"payload\"", "\"pubkey\"", "\"signature\"", ":", ",", "{", "}"};
                String from = swaps[rnd.nextInt(swaps.length)];
                String to = new String[] {"", "\"x\"", "[", "]", "{", "\"payload\"", "\"pubkey\"", " ", "null", "\\u0000"}[rnd.nextInt(10)];
                b = s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 6 -> b = ("[" + new String(b, StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
            default -> {
                int at = rnd.nextInt(b.length);
                b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b, at, b.length));
            }
        }
        return b;
    }

    // ---------------------------------------------------------------- checks

    private record Answer(int status, String body, JsonNode json) {
    }

    /** Posts a body and checks the answer is typed, a refusal changed nothing, and the node is ready. */
    private static Answer submitAndCheck(String what, byte[] body) {
        String before = stateRoot();
        Answer a = post(body);
        assertTyped(what, a, DOCUMENTED);
        if (a.status != 200) {
            assertThat(stateRoot()).as("state root after refused " + abbreviate(what) + " -> " + a.body).isEqualTo(before);
        }
        assertReady(what);
        return a;
    }

    private static void expect(String what, String body, int status) {
        expect(what, body.getBytes(StandardCharsets.UTF_8), status);
    }

    private static void expect(String what, byte[] body, int status) {
        Answer a = submitAndCheck(what, body);
        assertThat(a.status).as(what + ": " + abbreviate(a.body)).isEqualTo(status);
    }

    private static void assertTyped(String what, Answer a, Set<Integer> allowed) {
        assertThat(a.status).as(abbreviate(what) + " -> " + a.status + " " + abbreviate(a.body)).isIn(allowed);
        if (a.status != 200) {
            assertThat(a.json).as(abbreviate(what) + ": body is JSON: " + abbreviate(a.body)).isNotNull();
            assertThat(a.json.path("code").isTextual()).as(abbreviate(what) + ": code in " + a.body).isTrue();
            assertThat(a.json.path("message").isTextual()).as(abbreviate(what) + ": message in " + a.body).isTrue();
            assertThat(statusOf(a.json.path("code").asText())).as(abbreviate(what) + ": status of " + a.body).isEqualTo(a.status);
        }
    }

    private static void assertTooLarge(Answer a, int status) {
        assertThat(a.status).as(abbreviate(a.body)).isEqualTo(status);
        assertThat(a.json).as("body is JSON: " + abbreviate(a.body)).isNotNull();
        assertThat(a.json.path("code").asText()).isEqualTo("too_large");
        assertThat(a.json.path("message").isTextual()).isTrue();
    }

    private static int statusOf(String code) {
        if (NON_TX_CODES.containsKey(code)) {
            return NON_TX_CODES.get(code);
        }
        RejectCode rejection = ApiCodes.rejectCode(code);
        return rejection == null ? -1 : ApiCodes.httpStatus(rejection);
    }

    private static void assertReady(String what) {
        NodeClient.Response r = node.getResponse("/health/ready");
        assertThat(r.status()).as("ready after " + abbreviate(what) + ": " + r.body()).isEqualTo(200);
    }

    private static String stateRoot() {
        return node.get("/v1/state").path("root").asText();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }

    // ---------------------------------------------------------------- building requests

    private static String q(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String envelope(Signer s, String payload) {
        return env(payload, s.account(), s.signHex(payload));
    }

    private static String env(String payload, String pubkey, String signature) {
        return "{\"payload\":" + q(payload) + ",\"pubkey\":" + q(pubkey) + ",\"signature\":" + q(signature) + "}";
    }

    private static String withdraw(Signer s, long nonce) {
        return withdrawWithNonce(s, String.valueOf(nonce));
    }

    private static String withdrawWithNonce(Signer s, String nonce) {
        return "{\"type\":\"withdraw\",\"account\":\"" + s.account() + "\",\"nonce\":" + nonce + ",\"amount\":1}";
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static Answer get(String path) {
        return raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]);
    }

    private static Answer post(byte[] body) {
        return raw("POST /v1/tx HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n", body);
    }

    private static Answer chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 8192) {
            int n = Math.min(8192, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return raw("POST /v1/tx HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n", out.toByteArray());
    }

    private static Answer raw(String head, byte[] body) {
        return raw(head, body, false);
    }

    /** One request on its own connection, written as given; {@code halfClose} stops sending after the body. */
    private static Answer raw(String head, byte[] body, boolean halfClose) {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            try {
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // The node may answer (413) and close before it read everything: read what it said.
            }
            if (halfClose) {
                s.shutdownOutput();
            }
            byte[] all = readAll(s.getInputStream());
            return parseResponse(all);
        } catch (IOException e) {
            throw new UncheckedIOException(head.lines().findFirst().orElse(head), e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset after the answer was sent
        }
        return out.toByteArray();
    }

    private static Answer parseResponse(byte[] all) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(-1, text, null);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        String head = text.substring(0, end).toLowerCase(Locale.ROOT);
        byte[] rawBody = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if (head.contains("transfer-encoding: chunked")) {
            rawBody = dechunk(rawBody);
        }
        String body = new String(rawBody, StandardCharsets.UTF_8);
        return new Answer(status, body, NodeClient.parse(body));
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < b.length) {
            int eol = at;
            while (eol + 1 < b.length && !(b[eol] == '\r' && b[eol + 1] == '\n')) {
                eol++;
            }
            int n = Integer.parseInt(new String(b, at, eol - at, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (n == 0) {
                break;
            }
            out.write(b, eol + 2, n);
            at = eol + 2 + n + 2;
        }
        return out.toByteArray();
    }
}
