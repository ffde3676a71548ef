package io.dexnode.engine.recovery;

import io.dexnode.book.Side;
import io.dexnode.state.StateStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * Loads the newest warm snapshot written by {@link BookSnapshotWriter} and checks that it may be
 * used: intact (magic, format, lengths, checksum), not newer than the committed state, and of this
 * chain (the state root at its height equals the one it was stamped with). Anything else is a
 * reason not to use it, returned as text for a warning; recovery then rebuilds from state.
 */
public final class BookSnapshotLoader {

    /**
     * A usable snapshot or null, and why the files skipped on the way (all of them, if none was
     * usable) were not used; both null: no snapshot existed.
     */
    public record Result(BookSnapshot snapshot, String problem) {
    }

    private BookSnapshotLoader() {
    }

    /** Snapshot files in {@code dir}, newest first. */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("books-\\d{20}\\.snap"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
    }

    /**
     * The newest usable snapshot in {@code dir}: files are tried newest first, so a damaged or
     * foreign newest file does not hide an intact older one. The result's problem says why each
     * skipped file was not used (null when none was skipped).
     */
    public static Result loadLatest(Path dir, StateStore store) {
        List<Path> files;
        try {
            files = list(dir);
        } catch (IOException e) {
            return new Result(null, "cannot list snapshots in " + dir + ": " + e.getMessage());
        }
        List<String> skipped = new java.util.ArrayList<>();
        for (Path file : files) {
            try {
                return new Result(load(file, store), skipped.isEmpty() ? null : String.join("; ", skipped));
            } catch (IllegalArgumentException e) {
                skipped.add(file.getFileName() + ": " + e.getMessage());
            }
        }
        return new Result(null, skipped.isEmpty() ? null : String.join("; ", skipped));
    }

    /** Reads and checks one snapshot file; any problem is an IllegalArgumentException saying what. */
    public static BookSnapshot load(Path file, StateStore store) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable: " + e.getMessage());
        }
        if (all.length < BookSnapshotWriter.HEADER) {
            throw new IllegalArgumentException("truncated (" + all.length + " bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(all);
        byte[] magic = new byte[8];
        h.get(magic);
        if (!Arrays.equals(magic, BookSnapshotWriter.MAGIC)) {
            throw new IllegalArgumentException("not a dexnode book snapshot");
        }
        int format = h.getInt();
        if (format != BookSnapshotWriter.FORMAT) {
            throw new IllegalArgumentException("format " + format + " is not supported (this build reads "
                    + BookSnapshotWriter.FORMAT + ")");
        }
        long version = h.getLong();
        byte[] root = new byte[32];
        h.get(root);
        int length = h.getInt();
        int compressedLength = h.getInt();
        int crc = h.getInt();
        if (length < 0 || compressedLength < 0 || compressedLength != all.length - BookSnapshotWriter.HEADER) {
            throw new IllegalArgumentException("truncated or padded: header says " + compressedLength
                    + " compressed bytes, file has " + (all.length - BookSnapshotWriter.HEADER));
        }
        if (BookSnapshotWriter.checksum(all, all, BookSnapshotWriter.HEADER, compressedLength) != crc) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        long latest = store.latestVersion();
        if (version > latest) {
            throw new IllegalArgumentException("height " + version + " is newer than the committed state (" + latest + ")");
        }
        byte[] stateRoot;
        try {
            stateRoot = store.rootAt(version);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("height " + version + " is not readable in state: " + e.getMessage());
        }
        if (!Arrays.equals(stateRoot, root)) {
            throw new IllegalArgumentException("root " + HexFormat.of().formatHex(root) + " at height " + version
                    + " is not this state's (" + HexFormat.of().formatHex(stateRoot) + "): another chain");
        }
        byte[] payload;
        try {
            payload = LZ4Factory.fastestInstance().safeDecompressor()
                    .decompress(all, BookSnapshotWriter.HEADER, compressedLength, length);
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("corrupt compressed payload: " + e.getMessage());
        }
        if (payload.length != length) {
            throw new IllegalArgumentException("payload is " + payload.length + " bytes, header says " + length);
        }
        try {
            return new BookSnapshot(version, root, parse(ByteBuffer.wrap(payload)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed payload: " + e);
        }
    }

    private static Map<Integer, List<RestingOrder>> parse(ByteBuffer in) {
        TreeMap<Integer, List<RestingOrder>> out = new TreeMap<>();
        int markets = in.getInt();
        for (int i = 0; i < markets; i++) {
            int market = in.getInt();
            int count = in.getInt();
            List<RestingOrder> orders = new ArrayList<>(count);
            for (int j = 0; j < count; j++) {
                long id = in.getLong();
                long owner = in.getLong();
                Side side = in.get() == 0 ? Side.BUY : Side.SELL;
                long price = in.getLong();
                long remaining = in.getLong();
                long seq = in.getLong();
                short len = in.getShort();
                String client = null;
                if (len >= 0) {
                    byte[] utf8 = new byte[len];
                    in.get(utf8);
                    client = new String(utf8, StandardCharsets.UTF_8);
                }
                orders.add(new RestingOrder(market, id, owner, side, price, remaining, seq, client));
            }
            out.put(market, orders);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes");
        }
        return out;
    }
}
