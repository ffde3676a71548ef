package io.dexnode.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.TestNode;
import io.dexnode.node.crypto.Signer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The trading page in a real browser (headless Chromium through its chromedriver), against a
 * --dev node: two traders, each in a browser session of their own, make keys, take collateral
 * from the faucet, rest an order and cross it; each sees it all from the page alone (the order in
 * the ladder, the trade, the position, a proof checked in the browser), and no page logs an error.
 * Without a browser the test is skipped, except under CI=true, where that is a failure.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TradingPageBrowserTest {
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final List<Path> CHROMIUM = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"),
            Path.of("/usr/bin/google-chrome"));
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * Selenium warns on every session that it has no DevTools bindings for this Chromium's version;
     * the test needs none (it reads the console through the driver's log), so the warning is muted.
     */
    private static final Logger CDP_VERSION_WARNINGS = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_WARNINGS.setLevel(Level.SEVERE);
    }

    private TestNode node;
    private final List<WebDriver> drivers = new ArrayList<>();

    @BeforeEach
    void needsABrowser() throws IOException {
        Path chromium = CHROMIUM.stream().filter(Files::isExecutable).findFirst().orElse(null);
        String missing = chromium == null ? "no chromium at " + CHROMIUM : !Files.isExecutable(CHROMEDRIVER) ? "no " + CHROMEDRIVER : null;
        if (missing != null) {
            String why = "the trading page's browser test needs Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver): " + missing;
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why + "; under CI=true that is a failure, not a skip");
            }
            Assumptions.abort(why);
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString()); // Selenium Manager cannot download drivers here
        node = TestNode.dev();
    }

    @AfterEach
    void cleanUp() {
        for (WebDriver d : drivers) {
            try {
                d.quit();
            } catch (RuntimeException e) {
                // the browser is gone already; the node is still closed below
            }
        }
        if (node != null) {
            node.close();
        }
    }

    private WebDriver browser() {
        Path chromium = CHROMIUM.stream().filter(Files::isExecutable).findFirst().orElseThrow();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--force-device-scale-factor=1", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        WebDriver d = new ChromeDriver(options);
        drivers.add(d);
        d.get(node.url() + "/");
        waitFor(d, "the page to start", () -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        return d;
    }

    @Test
    void twoTradersCrossAnOrderAndEachSeesItOnThePage() throws Exception {
        WebDriver alice = browser();
        WebDriver bob = browser();

        String aliceAccount = createKeyAndDeposit(alice);
        String bobAccount = createKeyAndDeposit(bob);
        assertThat(aliceAccount).isNotEqualTo(bobAccount).matches("[0-9a-f]{64}");

        // Alice rests a bid by mouse; both see it in the ladder.
        alice.findElement(By.cssSelector("input[name=side][value=buy]")).click();
        type(alice, "price", "100");
        type(alice, "size", "5");
        alice.findElement(By.id("place")).click();
        for (WebDriver d : List.of(alice, bob)) {
            waitFor(d, "the bid in the ladder", () -> ladderSize(d, "bid", 100).equals("5"));
        }
        waitFor(alice, "the resting order in Alice's open orders", () -> !alice.findElements(By.cssSelector("#open-orders tr[data-order]")).isEmpty());

        // Bob crosses it from the keyboard only: side, price, size, Enter.
        bob.findElement(By.cssSelector("input[name=side][value=sell]")).sendKeys(Keys.SPACE);
        type(bob, "price", "100");
        type(bob, "size", "3" + Keys.ENTER);
        for (WebDriver d : List.of(alice, bob)) {
            waitFor(d, "the trade in the trades list", () -> d.findElements(By.cssSelector("#trades tr")).stream()
                    .anyMatch(r -> r.getText().startsWith("100 3 sell")));
            waitFor(d, "the rest of the bid in the ladder", () -> ladderSize(d, "bid", 100).equals("2"));
        }
        waitFor(alice, "Alice's long position", () -> positionSize(alice, 1).equals("3"));
        waitFor(bob, "Bob's short position", () -> positionSize(bob, 1).equals("-3"));
        waitFor(alice, "Alice's fill", () -> alice.findElement(By.id("fills")).getText().contains("buy (maker)"));
        waitFor(bob, "Bob's fill", () -> bob.findElement(By.id("fills")).getText().contains("sell (taker)"));

        // The view names its height and the root of that block.
        WebElement root = alice.findElement(By.id("view-root"));
        waitFor(alice, "the view's root", () -> root.getDomAttribute("data-root") != null);
        assertThat(root.getDomAttribute("data-root")).matches("[0-9a-f]{64}");

        // Alice verifies her order against the state root, in her browser.
        WebElement verify = alice.findElement(By.cssSelector("#open-orders button[data-verify]"));
        String orderId = verify.getDomAttribute("data-verify");
        verify.click();
        WebElement verdict = alice.findElement(By.id("verdict"));
        waitFor(alice, "the proof's verdict", () -> verdict.getDomAttribute("data-verdict") != null);
        assertThat(verdict.getDomAttribute("data-verdict")).as(verdict.getText()).isEqualTo("verified");
        assertThat(verdict.getDomAttribute("data-order")).isEqualTo(orderId);

        // Amend (by keyboard in the amend form) and cancel-all reach the book too.
        alice.findElement(By.cssSelector("#open-orders tr[data-order='" + orderId + "'] button[aria-label^=Amend]")).click();
        WebElement amendPrice = alice.findElement(By.id("amend-price"));
        amendPrice.clear();
        amendPrice.sendKeys("99" + Keys.ENTER);
        for (WebDriver d : List.of(alice, bob)) {
            waitFor(d, "the amended bid in the ladder", () -> ladderSize(d, "bid", 99).equals("2") && ladderSize(d, "bid", 100).isEmpty());
        }

        assertNoConsoleErrors(alice, List.of());
        assertNoConsoleErrors(bob, List.of());

        // A script cannot make the page sign: untrusted clicks and a scripted submit do nothing (the
        // next signed transaction, Alice's cancel-all below, takes the very next nonce).
        long nonceBefore = node.nextNonce(aliceAccount);
        ((JavascriptExecutor) alice).executeScript("document.getElementById('cancel-all').click();"
                + "document.getElementById('place').click();"
                + "document.getElementById('order-form').requestSubmit();");

        // A refusal shows its code and message: a post-only sell into Alice's bid would cross.
        bob.findElement(By.id("tif")).sendKeys("Post only");
        type(bob, "price", "99");
        type(bob, "size", "1" + Keys.ENTER);
        waitFor(bob, "the refusal", () -> bob.findElement(By.id("notices")).getText().contains("post_only_would_cross"));
        assertNoConsoleErrors(bob, List.of("/v1/tx - Failed to load resource: the server responded with a status of 422"));

        alice.findElement(By.id("cancel-all")).click();
        for (WebDriver d : List.of(alice, bob)) {
            waitFor(d, "the empty ladder", () -> d.findElements(By.cssSelector("#ladder tr[data-price]")).isEmpty());
        }
        waitFor(alice, "the cancel-all's answer", () -> alice.findElement(By.id("notices")).getText().contains("cancelled 1 orders"));
        assertThat(node.nextNonce(aliceAccount)).as("only the user's own click signed").isEqualTo(nonceBefore + 1);
        assertNoConsoleErrors(alice, List.of());

        screenshots(alice);
    }

    @Test
    void aKeygenFileImportsAsItsAccountAndSigns() throws Exception {
        Signer key = Signer.generate();
        Path file = Files.createTempFile("dexnode-key", ".json");
        try {
            Files.writeString(file, key.toKeyFileJson());
            WebDriver d = browser();
            d.findElement(By.id("import-key")).sendKeys(file.toAbsolutePath().toString());
            WebElement name = d.findElement(By.id("account-name"));
            waitFor(d, "the imported key", () -> name.isDisplayed() && name.getText().equals(key.account()));
            // A new account: the page looks it up once (404), says so, and the faucet then creates it.
            waitFor(d, "the page to say the account is new", () -> d.findElement(By.id("notices")).getText().contains("does not exist"));
            d.findElement(By.id("faucet")).click();
            waitFor(d, "the deposit signed with the imported key", () -> d.findElement(By.id("balances")).getText().contains("1000000"));
            assertThat(node.nextNonce(key.account())).isEqualTo(2);
            assertNoConsoleErrors(d, List.of("/v1/accounts/" + key.account() + " - Failed to load resource: the server responded with a status of 404"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theBrowsersProofCheckAgreesWithTheJmtSpecVectors() throws Exception {
        WebDriver d = browser();
        // shared/spec/JMT.md §4.1: hello -> world alone, and with goodbye -> world (hello goes left).
        String hello = hex("hello");
        String world = hex("world");
        String leafPrefix = hex("JMT::LeafNode");
        String goodbyeLeaf = HexFormat.of().formatHex(sha256(concat(bytes("JMT::LeafNode"), sha256(bytes("goodbye")), sha256(bytes("world")))));
        String oneLeaf = "6b97115f56e533f2fd443f7e76e4d1ff94d34e6b2e233f2dbdf5cfd1ec39a30c";
        String twoLeaves = "e1e1e220d4b4a9611a9a09dbcee964b4a6c3a40f6f4dee265ad45cf64568790b";
        String script = """
                const done = arguments[arguments.length - 1];
                const [key, value, leafPrefix, sibling, oneLeaf, twoLeaves] = arguments;
                import('/app/proof.js').then(async ({ verifyExistence }) => {
                  const leaf = { hash: 'SHA256', prehashKey: 'SHA256', prehashValue: 'SHA256', length: 'NO_PREFIX', prefix: leafPrefix };
                  const proof = (path, root, v = value) => ({ exists: true, key, value: v, root,
                    ics23: { exist: { key, value: v, leaf, path } } });
                  const step = [{ hash: 'SHA256', prefix: '4a4d543a3a496e74726e616c4e6f6465', suffix: sibling }];
                  const wrongSide = [{ hash: 'SHA256', prefix: '4a4d543a3a496e74726e616c4e6f6465' + sibling, suffix: '' }];
                  done([
                    (await verifyExistence(proof([], oneLeaf), key, oneLeaf)).ok,
                    (await verifyExistence(proof(step, twoLeaves), key, twoLeaves)).ok,
                    (await verifyExistence(proof(step, twoLeaves, '776f726c65'), key, twoLeaves)).ok,
                    (await verifyExistence(proof(wrongSide, twoLeaves), key, twoLeaves)).ok,
                    (await verifyExistence(proof(step, twoLeaves), key, oneLeaf)).ok,
                  ]);
                }, (e) => done(String(e)));
                """;
        Object verdicts = ((JavascriptExecutor) d).executeAsyncScript(script, hello, world, leafPrefix, goodbyeLeaf, oneLeaf, twoLeaves);
        assertThat(verdicts).as("one leaf, two leaves, a tampered value, the sibling on the wrong side, another root")
                .isEqualTo(List.of(true, true, false, false, false));
        assertNoConsoleErrors(d, List.of());
    }

    @Test
    void theLocalBookAppliesDiffsInOrderAndRefusesOneAfterAGap() {
        WebDriver d = browser();
        String script = """
                const done = arguments[arguments.length - 1];
                import('/app/book.js').then(({ LocalBook }) => {
                  const b = new LocalBook(1);
                  const before = b.diff({ height: 3, prevHeight: 2, bids: [[100, 1]], asks: [] });
                  b.snapshot({ height: 5, bids: [[100, 2], [99, 4]], asks: [[101, 3]] });
                  const next = b.diff({ height: 7, prevHeight: 5, bids: [[100, 0], [98, 1]], asks: [[102, 2]] });
                  const gap = b.diff({ height: 9, prevHeight: 8, bids: [[97, 9]], asks: [] });
                  done([before, next, gap, b.height, JSON.stringify(b.levels('bids')), JSON.stringify(b.levels('asks'))]);
                }, (e) => done(String(e)));
                """;
        Object result = ((JavascriptExecutor) d).executeAsyncScript(script);
        assertThat(result).as("a diff before any snapshot, the next diff, a diff after a missed one")
                .isEqualTo(List.of(false, true, false, 7L, "[[99,4,4],[98,1,5]]", "[[101,3,3],[102,2,5]]"));
        assertNoConsoleErrors(d, List.of());
    }

    // ---------------------------------------------------------------- steps

    private String createKeyAndDeposit(WebDriver d) {
        d.findElement(By.id("create-key")).click();
        WebElement name = d.findElement(By.id("account-name"));
        waitFor(d, "the new key", () -> name.isDisplayed() && !name.getText().isEmpty());
        d.findElement(By.id("faucet")).click();
        waitFor(d, "the deposit in the balances", () -> d.findElement(By.id("balances")).getText().contains("1000000"));
        return name.getText();
    }

    private static void type(WebDriver d, String id, String text) {
        WebElement e = d.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    private static String ladderSize(WebDriver d, String side, long price) {
        List<WebElement> rows = d.findElements(By.cssSelector("#ladder tr[data-side=" + side + "][data-price='" + price + "']"));
        return rows.isEmpty() ? "" : rows.getFirst().findElements(By.tagName("td")).get(1).getText();
    }

    private static String positionSize(WebDriver d, int market) {
        List<WebElement> rows = d.findElements(By.cssSelector("#positions tr[data-market='" + market + "']"));
        return rows.isEmpty() ? "" : rows.getFirst().findElements(By.tagName("td")).get(1).getText();
    }

    private static void waitFor(WebDriver d, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (StaleElementReferenceException e) {
                // the page re-rendered the element between finding and reading it: look again
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + WAIT + " for " + what + "; the page says:\n"
                        + d.findElement(By.tagName("body")).getText());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Every console message at level SEVERE, but those expected (a refusal's HTTP status), fails the test. */
    private static void assertNoConsoleErrors(WebDriver d, List<String> expected) {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : d.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()
                    && expected.stream().noneMatch(x -> e.getMessage().contains(x))) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("console errors").isEmpty();
    }

    /**
     * The README's pictures: a few levels on each side of the book (placed through the API by a
     * third account), then the page at 1280×800 and at phone width (390×844). Written to
     * node/target/screenshots/, or to docs/img/ when the build is run with
     * {@code -Ddexnode.screenshots=docs} (a test run does not change tracked files unless asked).
     */
    private void screenshots(WebDriver d) throws IOException, InterruptedException {
        String project = System.getProperty("dexnode.project.dir");
        if (project == null) {
            return;
        }
        Signer maker = node.funded(10_000_000);
        for (int i = 1; i <= 6; i++) {
            assertThat(node.place(maker, "buy", 100 - i, 3L * i + i % 2).ok()).isTrue();
            assertThat(node.place(maker, "sell", 100 + i, 2L * i + 1).ok()).isTrue();
        }
        waitFor(d, "the maker's levels in the ladder", () -> ladderSize(d, "ask", 106).equals("13") && ladderSize(d, "bid", 94).equals("18"));
        Path dir = "docs".equals(System.getProperty("dexnode.screenshots"))
                ? Path.of(project, "docs", "img") : Path.of(project, "node", "target", "screenshots");
        Files.createDirectories(dir);
        viewport(d, 1280, 800);
        Files.write(dir.resolve("trading-desktop.png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
        viewport(d, 390, 844);
        Files.write(dir.resolve("trading-phone.png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
    }

    /** Gives the page a viewport of width × height (as a phone's, when narrow), scrolled to the top. */
    private static void viewport(WebDriver d, int width, int height) throws InterruptedException {
        ((ChromeDriver) d).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.<String, Object>of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 700));
        ((JavascriptExecutor) d).executeScript("window.scrollTo(0, 0);");
        Thread.sleep(300); // a frame or two for the depth chart to redraw at the new size
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(bytes(s));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] b) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
