package io.dexnode.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.dexnode.book.BookReason;
import io.dexnode.book.SelfTradePrevention;
import io.dexnode.book.TimeInForce;
import io.dexnode.engine.risk.RiskEvent;
import io.dexnode.engine.schema.OrderStatus;
import io.dexnode.engine.schema.StateFormat;
import io.dexnode.engine.tx.Block;
import io.dexnode.engine.tx.BlockJson;
import io.dexnode.engine.tx.RejectCode;
import io.dexnode.engine.tx.Tx;
import io.dexnode.state.InMemoryStateStore;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pinned chain guards the state format. A fixed file of blocks ({@code pinned-chain/blocks.jsonl},
 * generated once by {@link SeededChain}) must replay on a fresh RocksDB store to the roots pinned
 * for the current {@link StateFormat#VERSION} ({@code pinned-chain/roots-format-<VERSION>.txt},
 * {@code height root_hex} per line, as {@code ./dexnode replay} prints them), at every height. A
 * change that moves those roots would break the replay of existing chains; if it is meant, it
 * bumps the version and regenerates the roots in the same commit:
 *
 * <pre>
 * ./mvnw -q -pl engine -am verify -Dtest=PinnedChainTest -Dsurefire.failIfNoSpecifiedTests=false -Ddexnode.pin.regenerate=true
 * </pre>
 *
 * That rewrites the roots file of the current version from the block file (and refuses to
 * overwrite a differing one of the same version: bump first). {@code -Ddexnode.pin.regenerate=chain}
 * regenerates the block file itself from the seed, and its roots: for when the chain must cover
 * something new.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PinnedChainTest {
    static final long SEED = 8;
    /** {@link SeededChain#FIRST_PART} blocks as first pinned, then blocks with batches. */
    static final int BLOCKS = 340;
    private static final String REGENERATE = "dexnode.pin.regenerate";
    private static final String DIRECTORY = "pinned-chain";
    private static final String BLOCK_FILE = "blocks.jsonl";
    /** Where regeneration writes: the module's sources (surefire runs in the module's directory). */
    private static final Path SOURCES = Path.of("src", "test", "resources", DIRECTORY);
    private static final String HOW_TO_REGENERATE = "./mvnw -q -pl engine -am verify -Dtest=PinnedChainTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + REGENERATE + "=true";
    private static final StateConfig CFG = StateConfig.defaults().withFsync(false);

    @TempDir
    Path tmp;

    static String rootsFileName(int formatVersion) {
        return "roots-format-" + formatVersion + ".txt";
    }

    /**
     * The pinned files: the module's sources when the test runs in the module's directory (so a
     * roots file deleted by a regeneration is gone, where the build's copy may keep it), else the
     * copy on the test class path.
     */
    static Path pinnedDirectory() {
        if (Files.isDirectory(SOURCES)) {
            return SOURCES;
        }
        URL url = PinnedChainTest.class.getResource("/" + DIRECTORY + "/" + BLOCK_FILE);
        assertThat(url).as("the pinned block file on the test class path").isNotNull();
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Block> pinnedBlocks() throws IOException {
        return readBlocks(pinnedDirectory().resolve(BLOCK_FILE));
    }

    private static List<Block> readBlocks(Path file) throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            blocks.add(BlockJson.parse(line));
        }
        return blocks;
    }

    /** Every block on a fresh RocksDB store, as {@code replay} applies them; one {@code height root_hex} line each. */
    private List<String> replayOnRocksDb(List<Block> blocks) {
        List<String> lines = new ArrayList<>(blocks.size());
        try (StateManager store = StateManager.open(tmp.resolve("replay"), CFG)) {
            Engine engine = new Engine(store);
            engine.rebuildOrderbookFromState();
            for (Block b : blocks) {
                BlockResult r = engine.executeBlock(b.height(), b.time(), b.txs());
                lines.add(b.height() + " " + r.header().rootHex());
            }
        }
        return lines;
    }

    private static List<Path> rootsFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("roots-format-\\d+\\.txt")).sorted().toList();
        }
    }

    /** {@code -Ddexnode.pin.regenerate=true} (the roots) or {@code =chain} (the blocks too); anything else checks. */
    private static boolean regenerating() {
        String mode = System.getProperty(REGENERATE, "");
        return mode.equals("true") || mode.equals("chain");
    }

    @Test
    void pinnedRootsAreForTheCurrentStateFormatVersion() throws IOException {
        if (regenerating()) {
            return; // the regeneration below decides what the files are
        }
        List<String> names = rootsFiles(pinnedDirectory()).stream().map(p -> p.getFileName().toString()).toList();
        if (!names.equals(List.of(rootsFileName(StateFormat.VERSION)))) {
            fail("state format changed: StateFormat.VERSION is %d but the pinned roots are %s. Bump"
                            + " io.dexnode.engine.schema.StateFormat.VERSION only with new pinned roots, and regenerate"
                            + " them with: %s",
                    StateFormat.VERSION, names, HOW_TO_REGENERATE);
        }
    }

    @Test
    void pinnedChainReplaysToThePinnedRootsAtEveryHeight() throws IOException {
        if (regenerating()) {
            regenerate();
            return;
        }
        Path pinned = pinnedDirectory().resolve(rootsFileName(StateFormat.VERSION));
        if (!Files.exists(pinned)) {
            fail("state format changed: no pinned roots for StateFormat.VERSION %d (%s); regenerate them with: %s",
                    StateFormat.VERSION, pinned.getFileName(), HOW_TO_REGENERATE);
        }
        List<String> expected = Files.readAllLines(pinned, StandardCharsets.UTF_8);
        List<String> actual = replayOnRocksDb(pinnedBlocks());
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail("state format changed: the pinned chain gives \"%s\" where %s pins \"%s\". If the change is"
                                + " meant, bump io.dexnode.engine.schema.StateFormat.VERSION (now %d) and regenerate the"
                                + " roots with: %s. If it is not, this change breaks the replay of existing chains.",
                        actual.get(i), pinned.getFileName(), expected.get(i), StateFormat.VERSION, HOW_TO_REGENERATE);
            }
        }
        assertThat(actual).as("one pinned root per block").hasSameSizeAs(expected);
    }

    /** The file reads as the engine writes blocks, so {@code replay}'s check of stored blocks accepts it on a resume. */
    @Test
    void pinnedBlocksAreInTheCanonicalFormAndConsecutive() throws IOException {
        List<String> lines = Files.readAllLines(pinnedDirectory().resolve(BLOCK_FILE), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            Block b = BlockJson.parse(lines.get(i));
            assertThat(b.height()).as("line %d", i + 1).isEqualTo(i + 1);
            assertThat(BlockRecords.blockJson(b.height(), b.time(), b.txs())).as("line %d", i + 1).isEqualTo(lines.get(i));
        }
    }

    @Test
    void pinnedChainCoversEveryTransactionKindAndOutcome() throws IOException {
        Coverage seen = new Coverage();
        Engine engine = new Engine(new InMemoryStateStore());
        engine.rebuildOrderbookFromState();
        for (Block b : pinnedBlocks()) {
            seen.add(b, engine.executeBlock(b.height(), b.time(), b.txs()));
        }
        assertThat(seen.acceptedKinds).as("transaction kinds accepted")
                .containsAll(Arrays.asList(Tx.class.getPermittedSubclasses()));
        assertThat(seen.acceptedTifs).as("times in force accepted").containsAll(EnumSet.allOf(TimeInForce.class));
        assertThat(seen.acceptedStps).as("self-trade rules accepted").containsAll(EnumSet.allOf(SelfTradePrevention.class));
        assertThat(seen.rejections).as("rejection codes").containsAll(EnumSet.of(
                RejectCode.MALFORMED, RejectCode.NOT_OWNER, RejectCode.UNKNOWN_MARKET, RejectCode.UNKNOWN_ORDER,
                RejectCode.UNKNOWN_ACCOUNT, RejectCode.STALE_NONCE, RejectCode.MARKET_EXISTS, RejectCode.INVALID_MARKET,
                RejectCode.INVALID_AMOUNT, RejectCode.BAD_PRICE, RejectCode.BAD_SIZE, RejectCode.BAD_TICK,
                RejectCode.BAD_LOT, RejectCode.SIZE_TOO_SMALL, RejectCode.DUPLICATE_CLIENT_ORDER_ID,
                RejectCode.ORDER_NOT_ACTIVE, RejectCode.INSUFFICIENT_MARGIN, RejectCode.INSUFFICIENT_BALANCE,
                RejectCode.POST_ONLY_WOULD_CROSS, RejectCode.FOK_NOT_FILLABLE, RejectCode.TOO_MANY_ORDERS,
                RejectCode.OVERFLOW, RejectCode.NOT_ALLOWED));
        assertThat(seen.outcomes).as("outcomes").contains(
                "cancel by id", "cancel by clientOrderId", "amend by id", "amend by clientOrderId", "reduce by id",
                "reduce by clientOrderId", "cancel_all of one market", "cancel_all of every market", "a nonce",
                "taker partly filled, rest resting", "ioc partly filled, rest cancelled", "maker partly filled",
                "maker fee and taker fee", "order ended by self_trade", "an empty block",
                "a batch with a refused action", "a batch with a nonce", "a batch refused whole", "an archived order named",
                "a liquidation", "a liquidation against the book", "auto-deleveraging", "a liquidation fee", "funding",
                "the insurance fund paid", "an order cancelled by a liquidation");
        assertThat(seen.marketsWithFills).as("markets with fills").containsExactly(1, 2, 3, 4);
    }

    /** What the chain did, as facts to check against what it must cover. */
    private static final class Coverage {
        final Set<Class<?>> acceptedKinds = new java.util.HashSet<>();
        final Set<TimeInForce> acceptedTifs = EnumSet.noneOf(TimeInForce.class);
        final Set<SelfTradePrevention> acceptedStps = EnumSet.noneOf(SelfTradePrevention.class);
        final Set<RejectCode> rejections = EnumSet.noneOf(RejectCode.class);
        final Set<String> outcomes = new TreeSet<>();
        final Set<Integer> marketsWithFills = new TreeSet<>();

        void add(Block block, BlockResult result) {
            if (block.txs().isEmpty()) {
                outcomes.add("an empty block");
            }
            addResults(result.results());
            addEvents(result);
        }

        private void addResults(List<TxResult> results) {
            for (TxResult r : results) {
                if (!r.accepted()) {
                    rejections.add(r.rejection().code());
                    if (r.tx() instanceof Tx.Batch) {
                        outcomes.add("a batch refused whole");
                    }
                    if (r.rejection().code() == RejectCode.ORDER_NOT_ACTIVE && r.rejection().message().contains("archived")) {
                        outcomes.add("an archived order named");
                    }
                    continue;
                }
                acceptedKinds.add(r.tx().getClass());
                if (r.tx().nonce() != 0) {
                    outcomes.add("a nonce");
                }
                switch (r.tx()) {
                    case Tx.Place p -> {
                        acceptedTifs.add(p.tif());
                        acceptedStps.add(p.stp());
                        if (!r.fills().isEmpty() && r.status() == OrderStatus.ACTIVE) {
                            outcomes.add("taker partly filled, rest resting");
                        }
                        if (!r.fills().isEmpty() && p.tif() == TimeInForce.IOC && r.remaining() > 0) {
                            outcomes.add("ioc partly filled, rest cancelled");
                        }
                    }
                    case Tx.Cancel c -> outcomes.add(c.orderId() != 0 ? "cancel by id" : "cancel by clientOrderId");
                    case Tx.Amend a -> outcomes.add(a.orderId() != 0 ? "amend by id" : "amend by clientOrderId");
                    case Tx.Reduce x -> outcomes.add(x.orderId() != 0 ? "reduce by id" : "reduce by clientOrderId");
                    case Tx.CancelAll c -> outcomes.add(c.market() != 0 ? "cancel_all of one market" : "cancel_all of every market");
                    case Tx.Batch b -> {
                        if (r.actions().stream().anyMatch(a -> !a.accepted())) {
                            outcomes.add("a batch with a refused action");
                        }
                        if (b.nonce() != 0) {
                            outcomes.add("a batch with a nonce");
                        }
                        addResults(r.actions());
                    }
                    default -> {
                    }
                }
            }
        }

        private void addEvents(BlockResult result) {
            for (Fill f : result.fills()) {
                marketsWithFills.add(f.market());
                if (f.makerFee() > 0 && f.takerFee() > 0) {
                    outcomes.add("maker fee and taker fee");
                }
            }
            for (RiskEvent e : result.riskEvents()) {
                switch (e) {
                    case RiskEvent.Liquidation l -> outcomes.add("a liquidation");
                    case RiskEvent.BookClose b -> outcomes.add(b.filled() > 0 ? "a liquidation against the book" : "a book close");
                    case RiskEvent.Deleverage d -> outcomes.add("auto-deleveraging");
                    case RiskEvent.LiquidationFee fee -> outcomes.add("a liquidation fee");
                    case RiskEvent.InsuranceCover c -> outcomes.add("the insurance fund paid");
                    case RiskEvent.Funding fu -> outcomes.add(fu.premium() != 0 ? "funding" : "funding of 0");
                    case RiskEvent.DeficitCovered d -> outcomes.add("a deficit covered");
                }
            }
            for (OrderUpdate u : result.orderUpdates()) {
                if (u.reason() == BookReason.LIQUIDATION) {
                    outcomes.add("an order cancelled by a liquidation");
                }
                if (u.status() == OrderStatus.ACTIVE && u.filled() > 0) {
                    outcomes.add("maker partly filled");
                }
                if (u.reason() == BookReason.SELF_TRADE) {
                    outcomes.add("order ended by self_trade");
                }
            }
        }
    }

    // ---------------------------------------------------------------- regeneration (never by default)

    /** Rewrites the pinned roots (and with {@code =chain} the block file) in the module's sources. */
    private void regenerate() throws IOException {
        assertThat(SOURCES).as("regeneration runs in the engine module's directory").isDirectory();
        Path blockFile = SOURCES.resolve(BLOCK_FILE);
        boolean newChain = "chain".equals(System.getProperty(REGENERATE));
        if (newChain) {
            StringBuilder out = new StringBuilder();
            for (Block b : SeededChain.generate(SEED, BLOCKS)) {
                out.append(BlockRecords.blockJson(b.height(), b.time(), b.txs())).append('\n');
            }
            Files.writeString(blockFile, out, StandardCharsets.UTF_8);
        }
        List<String> roots = replayOnRocksDb(readBlocks(blockFile));
        String text = String.join("\n", roots) + "\n";
        Path target = SOURCES.resolve(rootsFileName(StateFormat.VERSION));
        if (!newChain && Files.exists(target) && !Files.readString(target, StandardCharsets.UTF_8).equals(text)) {
            fail("refusing to rewrite %s with different roots under the same state format: bump"
                    + " io.dexnode.engine.schema.StateFormat.VERSION (now %d) first", target, StateFormat.VERSION);
        }
        Files.writeString(target, text, StandardCharsets.UTF_8);
        for (Path old : rootsFiles(SOURCES)) {
            if (!old.equals(target)) {
                Files.delete(old);
            }
        }
        System.out.printf("pinned chain: wrote %s (%d roots)%s%n", target, roots.size(), newChain ? " and " + blockFile : "");
    }
}
