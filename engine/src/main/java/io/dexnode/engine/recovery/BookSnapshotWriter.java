package io.dexnode.engine.recovery;

import io.dexnode.book.Side;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Writes a warm snapshot of all books: {@code books-<height>.snap}, LZ4-compressed, with a CRC32C
 * of every other byte of the file (header and compressed payload, so that any damaged bit, even
 * one that LZ4 would decode to the same bytes or a length field, is caught before anything is
 * decompressed), stamped with the height and state root it shows. Written to a
 * temporary file, fsynced and renamed, so a crash never leaves a half snapshot under the real
 * name; older snapshots beyond the newest two, and temporary files a crash left, are deleted.
 *
 * <p>Layout: magic {@code DXBOOKS1}, format u32, height u64, root[32], payload length u32,
 * compressed length u32, CRC32C u32, then the compressed payload: market count, and per market its
 * id, order count and orders (id, account, side, price, remaining, priority, client order id).
 */
public final class BookSnapshotWriter {
    /** The snapshot folder's name inside a node's data directory. */
    public static final String DIRECTORY = "book-snapshots";
    static final byte[] MAGIC = "DXBOOKS1".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 2;
    static final int HEADER = 8 + 4 + 8 + 32 + 4 + 4 + 4;

    private BookSnapshotWriter() {
    }

    /** Writes the books of {@code engine} as of its committed height; call between blocks, on the engine's thread. */
    public static Path write(BookSource engine, Path dir) {
        return capture(engine).writeTo(dir);
    }

    /**
     * The books of {@code engine} as of its committed height, encoded but not yet compressed or
     * written; call between blocks, on the engine's thread. The copy is independent of the books,
     * so {@link Captured#writeTo} may run on any thread while blocks go on.
     */
    public static Captured capture(BookSource engine) {
        long version = engine.height();
        byte[] root = engine.root();
        List<Integer> markets = engine.marketIds();
        Encoder out = new Encoder(1 << 16);
        out.putInt(markets.size());
        List<BookDigest> digests = new ArrayList<>(markets.size());
        for (int m : markets) {
            out.putInt(m);
            BookDigest.Accumulator digest = new BookDigest.Accumulator();
            out.putInt(engine.book(m).orderCount());
            engine.book(m).forEachOrder((id, owner, side, price, remaining, seq) -> {
                out.putLong(id);
                out.putLong(owner);
                out.putByte(side == Side.BUY ? 0 : 1);
                out.putLong(price);
                out.putLong(remaining);
                out.putLong(seq);
                digest.add(id, remaining, seq);
                String client = engine.clientOrderIdOf(id);
                if (client == null) {
                    out.putShort(-1);
                } else {
                    byte[] utf8 = client.getBytes(StandardCharsets.UTF_8);
                    out.putShort(utf8.length);
                    out.put(utf8);
                }
            });
            digests.add(digest.result());
        }
        return new Captured(version, root, out.toByteArray(), List.copyOf(markets), List.copyOf(digests));
    }

    /**
     * Big-endian fields into a growing array, as {@link java.io.DataOutputStream} writes them
     * (what {@link BookSnapshotLoader} reads) without a synchronized stream call per field: the
     * capture holds the block thread.
     */
    private static final class Encoder {
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private byte[] buf;
        private int size;

        Encoder(int capacity) {
            buf = new byte[capacity];
        }

        void ensure(int bytes) {
            if (buf.length - size < bytes) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + bytes));
            }
        }

        void putLong(long v) {
            ensure(8);
            LONG.set(buf, size, v);
            size += 8;
        }

        void putInt(int v) {
            ensure(4);
            INT.set(buf, size, v);
            size += 4;
        }

        void putShort(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void putByte(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void put(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    /**
     * The books of one height, captured: what {@link #writeTo} compresses, stamps and writes, and
     * each market's book digest (ids ascending, digests in the same order) for
     * {@link BookVerifier#capturedProblem}.
     */
    public record Captured(long version, byte[] root, byte[] payload, List<Integer> marketIds, List<BookDigest> digests) {
        /** Compresses, checksums and writes this snapshot into {@code dir} (fsynced, renamed into place); any thread. */
        public Path writeTo(Path dir) {
            LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();
            byte[] compressed = lz4.compress(payload);
            ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putInt(FORMAT).putLong(version).put(root)
                    .putInt(payload.length).putInt(compressed.length);
            header.putInt(checksum(header.array(), compressed, 0, compressed.length)).flip();
            try {
                Files.createDirectories(dir);
                // A crash mid-write leaves a temporary file behind; it never counts as a snapshot.
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path leftover : files.filter(p -> p.getFileName().toString().endsWith(".snap.tmp")).toList()) {
                        Files.deleteIfExists(leftover);
                    }
                }
                Path target = dir.resolve(fileName(version));
                Path tmp = dir.resolve(fileName(version) + ".tmp");
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(header);
                    ByteBuffer body = ByteBuffer.wrap(compressed);
                    while (body.hasRemaining()) {
                        ch.write(body);
                    }
                    ch.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                // Kept: this one and the newest older one. A snapshot newer than this one is of heights a
                // crash took back (state was not synced that far): stale, deleted, never counted as kept.
                String written = target.getFileName().toString();
                int kept = 0;
                for (Path p : BookSnapshotLoader.list(dir)) {
                    int order = p.getFileName().toString().compareTo(written);
                    if (order > 0 || (order < 0 && ++kept > 1)) {
                        Files.deleteIfExists(p);
                    }
                }
                syncDirectory(dir);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write book snapshot in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** The CRC32C of a snapshot's header up to its checksum field, then its compressed payload. */
    static int checksum(byte[] header, byte[] compressed, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, HEADER - 4);
        crc.update(compressed, offset, length);
        return (int) crc.getValue();
    }

    /** The file name of the snapshot of height {@code version}. */
    /** Makes a rename or delete in {@code dir} durable (the entries live in the directory). */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    public static String fileName(long version) {
        return String.format("books-%020d.snap", version);
    }
}
