package io.dexnode.node.cluster;

import io.dexnode.engine.BlockHeader;
import io.dexnode.engine.BlockRecords;
import io.dexnode.engine.BlockResult;
import io.dexnode.engine.Engine;
import io.dexnode.engine.EngineHaltedException;
import io.dexnode.engine.recovery.BookSnapshotWriter;
import io.dexnode.engine.recovery.PendingRepair;
import io.dexnode.engine.recovery.RecoveryOptions;
import io.dexnode.engine.recovery.RecoveryReport;
import io.dexnode.engine.tx.Tx;
import io.dexnode.node.Checkpoints;
import io.dexnode.node.api.ApiException;
import io.dexnode.node.api.SignedTx;
import io.dexnode.node.api.TxAdmission;
import io.dexnode.state.StateConfig;
import io.dexnode.state.StateManager;
import io.dexnode.state.WriteSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's chain: the engine over its own store, fed committed log entries in order. Each
 * block is checked before it executes — same genesis, the next height, and the leader's root of the
 * previous height equal to this replica's own — and is committed together with its log position
 * in one atomic write, so a restart knows exactly which entries its state holds.
 *
 * <p>An entry whose height is not the next one is stale (a proposal of a leader that lost office,
 * superseded by its successor's): every replica reads the same log, so every replica skips it.
 * A root that differs from the leader's stops this replica: its state may not be served.
 */
public final class ReplicaChain implements ReplicatedChain, BlockProposer.Head {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaChain.class);
    /** The extras record of the log position of the last block committed (term and index, 16 bytes). */
    static final byte[] POSITION_KEY = "Raft/applied".getBytes(StandardCharsets.US_ASCII);
    /** A snapshot's state (a store checkpoint with its book snapshot) inside the snapshot directory. */
    static final String STATE = "state";
    private static final String HEIGHT_FILE = "height";
    private static final HexFormat HEX = HexFormat.of();

    /** What the node does with applied blocks. Called on the apply thread. */
    public interface Sink {
        /** A block is about to execute (after the checks that it applies to this chain). */
        default void beforeBlock() {
        }

        /** Block {@code result} of {@code entry} is durable. */
        void committed(BlockEntry entry, BlockResult result);

        /** Every replica skipped {@code entry} as stale. */
        void skipped(BlockEntry entry);

        /** The state was replaced by a snapshot from the leader; the books are rebuilt. */
        void replaced(RecoveryReport recovery);

        /** This replica's root differs from the leader's at {@code height}; it stops applying. */
        void diverged(long height, byte[] root, byte[] leaderRoot);

        /** A block could not be committed (an I/O failure): memory may be ahead of disk, the node must end. */
        void halted(String cause);
    }

    /** A test seam: the transactions this replica executes at a height, instead of the entry's. */
    @FunctionalInterface
    public interface Tamper {
        Tamper NONE = (height, txs) -> txs;

        List<Tx> transactions(long height, List<Tx> txs);
    }

    private final Engine engine;
    private final ReplaceableStore store;
    private final Path stateDir;
    private final StateConfig stateConfig;
    private final ChainIdentity identity;
    private final TxAdmission parser;
    private final Sink sink;
    private final Tamper tamper;
    private RaftPosition position;
    private volatile long lastBlockTime;
    /** The repair this replica's recovery found at start and deferred (null when its state was consistent). */
    private volatile PendingRepair pendingRepair;

    public ReplicaChain(Engine engine, ReplaceableStore store, Path stateDir, StateConfig stateConfig, ChainIdentity identity,
                        TxAdmission parser, Sink sink, Tamper tamper) {
        this.engine = engine;
        this.store = store;
        this.stateDir = stateDir;
        this.stateConfig = stateConfig;
        this.identity = identity;
        this.parser = parser;
        this.sink = sink;
        this.tamper = tamper;
        this.position = readPosition();
        this.lastBlockTime = blockTime(engine.height());
    }

    private RaftPosition readPosition() {
        byte[] raw = store.getExtra(POSITION_KEY);
        if (raw == null) {
            return RaftPosition.NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        return new RaftPosition(b.getLong(), b.getLong());
    }

    private long blockTime(long height) {
        BlockHeader h = height < 1 ? null : BlockRecords.header(store, height);
        return h == null ? 0 : h.time();
    }

    /**
     * What this replica's recovery found at start and could not repair alone (a repair changes the
     * root): while it leads it proposes the repair; a block from any leader that did not propose it
     * first stops this replica.
     */
    public void deferredRepair(PendingRepair repair) {
        this.pendingRepair = repair;
    }

    /** The digest of the repair this replica waits for, or null. */
    public byte[] pendingRepairDigest() {
        PendingRepair p = pendingRepair;
        return p == null ? null : p.digest();
    }

    @Override
    public RaftPosition appliedPosition() {
        return position;
    }

    @Override
    public long height() {
        return engine.height();
    }

    @Override
    public byte[] root() {
        return engine.root();
    }

    @Override
    public long lastBlockTime() {
        return lastBlockTime;
    }

    @Override
    public void apply(RaftPosition at, BlockEntry entry) {
        if (at.index() <= position.index()) {
            return; // committed with an earlier run of this replica (Ratis replays from its last snapshot)
        }
        if (!Arrays.equals(entry.genesisHash(), identity.genesisHash())) {
            throw new ReplicaStoppedException("the leader's chain has genesis " + HEX.formatHex(entry.genesisHash())
                    + " and this replica's genesis file gives " + identity.genesisHex()
                    + ": it was started with another genesis; start it with the group's genesis file on an empty data directory");
        }
        long height = engine.height();
        if (entry.height() > height + 1) {
            // Entries are applied in log order and each is the next height or a stale one: a gap means
            // this replica's state lost blocks its Raft position says it applied.
            throw new ReplicaStoppedException("log entry " + at + " is block " + entry.height() + " but this replica's state is at height "
                    + height + " (Raft position " + position + "): the blocks between are missing; wipe its data directory and restart it");
        }
        if (entry.height() != height + 1) {
            LOG.info("skipping stale entry {} at {}: the chain is at height {}", entry, at, height);
            sink.skipped(entry);
            return;
        }
        byte[] root = engine.root();
        if (!Arrays.equals(root, entry.prevRoot())) {
            sink.diverged(height, root, entry.prevRoot());
            throw new ReplicaStoppedException("state root mismatch at height " + height + ": this replica has "
                    + HEX.formatHex(root) + ", the leader " + entry.proposer() + " has " + HEX.formatHex(entry.prevRoot())
                    + "; wipe this replica's data directory and restart it to catch up from the others");
        }
        WriteSet records = new WriteSet();
        records.put(POSITION_KEY, ByteBuffer.allocate(16).putLong(at.term()).putLong(at.index()).array());
        if (entry.kind() == BlockEntry.Kind.REPAIR) {
            repair(at, entry, records);
            return;
        }
        PendingRepair waiting = pendingRepair;
        if (waiting != null) {
            throw new ReplicaStoppedException("this replica found its state inconsistent at start (" + waiting.describe()
                    + ") and the leader " + entry.proposer() + " proposed block " + entry.height() + " without repairing it"
                    + " first: if the others' state is consistent, this one's is not; wipe its data directory and restart it");
        }
        List<Tx> txs = tamper.transactions(entry.height(), parse(entry));
        sink.beforeBlock();
        BlockResult result;
        try {
            result = engine.executeBlock(entry.height(), entry.time(), txs, records);
        } catch (EngineHaltedException e) {
            sink.halted(e.getMessage());
            throw new ReplicaStoppedException("block " + entry.height() + " failed: " + e.getMessage());
        }
        position = at;
        lastBlockTime = entry.time();
        sink.committed(entry, result);
    }

    /**
     * A repair the leader proposed: this replica finds the repair its own state needs now (the same
     * state gives the same repair) and commits it as the entry's block if it is the one the leader
     * found; a different one means this replica's state differs, and it stops.
     */
    private void repair(RaftPosition at, BlockEntry entry, WriteSet records) {
        RecoveryReport found = engine.recover(RecoveryOptions.fromState().withDeferredRepairs(true));
        PendingRepair mine = found.pendingRepair();
        if (mine == null || !Arrays.equals(mine.digest(), entry.repairDigest())) {
            throw new ReplicaStoppedException("the leader " + entry.proposer() + " proposed a repair (" + HEX.formatHex(entry.repairDigest())
                    + ") at height " + entry.height() + " and this replica's state needs "
                    + (mine == null ? "none" : "another (" + mine.describe() + ")") + ": its state differs; wipe it and restart it");
        }
        try {
            engine.commitRepair(mine, entry.height(), entry.time(), records);
        } catch (EngineHaltedException e) {
            sink.halted(e.getMessage());
            throw new ReplicaStoppedException("repair block " + entry.height() + " failed: " + e.getMessage());
        }
        LOG.warn("committed the repair the leader {} proposed as block {}: {}", entry.proposer(), entry.height(), mine.describe());
        pendingRepair = null;
        position = at;
        lastBlockTime = entry.time();
        sink.replaced(found);
    }

    private List<Tx> parse(BlockEntry entry) {
        List<Tx> txs = new ArrayList<>(entry.txs().size());
        for (SignedTx t : entry.txs()) {
            try {
                txs.add(parser.parseAdmitted(t));
            } catch (ApiException e) {
                throw new ReplicaStoppedException("block " + entry.height() + " carries a transaction this replica cannot"
                        + " read (" + e.getMessage() + "): is every replica running the same dexnode version?");
            }
        }
        return txs;
    }

    @Override
    public void writeSnapshot(Path dir) {
        try {
            Files.createDirectories(dir);
            Path state = dir.resolve(STATE);
            store.current().checkpoint(state);
            BookSnapshotWriter.write(engine, state.resolve(BookSnapshotWriter.DIRECTORY));
            Files.writeString(dir.resolve(HEIGHT_FILE), Long.toString(engine.height()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the snapshot " + dir, e);
        }
    }

    @Override
    public long snapshotHeight(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(HEIGHT_FILE)).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("snapshot " + dir + " has no readable height: " + e.getMessage(), e);
        }
    }

    @Override
    public void installSnapshot(Path dir, RaftPosition at) {
        Path incoming = dir.resolve(STATE);
        store.replace(() -> {
            Path old = stateDir.resolveSibling(stateDir.getFileName() + ".replaced");
            SnapshotDirectory.deleteTree(old);
            try {
                Files.move(stateDir, old);
                copyState(incoming, stateDir);
                // The operator's checkpoints live inside the state directory: they stay with it.
                Path checkpoints = Checkpoints.dir(old);
                if (Files.isDirectory(checkpoints)) {
                    Files.move(checkpoints, Checkpoints.dir(stateDir));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot install the snapshot " + dir + " as " + stateDir, e);
            }
            StateManager opened = StateManager.open(stateDir, stateConfig);
            SnapshotDirectory.deleteTree(old);
            return opened;
        });
        RecoveryReport recovered = engine.recover(RecoveryOptions.fromState().withStrict(true)
                .withSnapshots(stateDir.resolve(BookSnapshotWriter.DIRECTORY)));
        position = at;
        lastBlockTime = blockTime(engine.height());
        LOG.info("state replaced by the snapshot at {}: height {}, {} resting orders", at, engine.height(),
                recovered.totalOrders());
        sink.replaced(recovered);
    }

    /**
     * Copies a snapshot's state: table files are hard links (immutable, and large), the rest
     * (manifest, options, logs RocksDB may rewrite) real copies, so the live store never writes
     * into a file the snapshot still holds.
     */
    static void copyState(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (name.endsWith(".md5")) {
                    continue; // Ratis' digest of a received file, not part of the state
                } else if (name.endsWith(".sst")) {
                    Files.createLink(target, p);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
