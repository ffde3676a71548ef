package io.dexnode.state;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library from a per-user cache instead of RocksJava's default, which
 * unpacks the 17 MB library from its jar into the temporary directory at every start (about
 * 200 ms of a process's start, a restart's included) and leaves the copy behind whenever the
 * process is killed: a node or test run that is SIGKILLed often fills {@code /tmp} (55 GB of
 * them on a development machine), and a full disk stops the store.
 *
 * <p>The library is unpacked once per library build into
 * {@code <cache>/native/rocksdbjni-<crc>-<size>/} (the cache is the system property
 * {@code dexnode.cache.dir}, else {@code $DEXNODE_CACHE_DIR}, else {@code $XDG_CACHE_HOME/dexnode},
 * else {@code ~/.cache/dexnode}; directories created owner-only),
 * written to a temporary file, checked against the jar entry's CRC-32 and moved into place
 * atomically, so concurrent starts are safe; every later start checks the copy's size and loads
 * it (about 15 ms). Whatever goes wrong (no writable cache, an unusual platform, a jar without the
 * entry) falls back to RocksJava's own loading, with a warning.
 */
public final class RocksLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(RocksLibrary.class);
    /** The library's entry in RocksJava's jar for this platform (e.g. {@code librocksdbjni-linux64.so}). */
    static final String RESOURCE = Environment.getJniLibraryFileName("rocksdb");
    /**
     * The file name {@link RocksDB#loadLibrary(List)} looks for in a directory: RocksJava 11 derives
     * it from "rocksdbjni", which gives {@code librocksdbjnijni-linux64.so}, not the jar entry's name.
     */
    static final String FILE = Environment.getJniLibraryFileName("rocksdbjni");
    private static boolean loaded;

    private RocksLibrary() {
    }

    /** Loads the library once per process (later calls return at once). */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        URL resource = RocksDB.class.getClassLoader().getResource(RESOURCE);
        if (resource != null) {
            Path root = null;
            try {
                // Inside the try: a cache path from the environment may not even parse.
                root = cacheRoot();
                if (root != null) {
                    Path dir = cachedCopy(resource, FILE, root.resolve("native"));
                    RocksDB.loadLibrary(List.of(dir.toString()));
                    loaded = true;
                    return;
                }
            } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
                LOG.warn("could not load RocksDB's library from the cache under {} ({}); unpacking it to the temporary directory instead",
                        root, e.toString());
            }
        }
        RocksDB.loadLibrary();
        loaded = true;
    }

    /** The cache directory, or null when none can be named. */
    static Path cacheRoot() {
        String property = System.getProperty("dexnode.cache.dir");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String own = System.getenv("DEXNODE_CACHE_DIR");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "dexnode");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? null : Path.of(home, ".cache", "dexnode");
    }

    /**
     * The directory under {@code nativeDir} that holds an intact copy of the library {@code name}
     * from {@code resource}, unpacking it first when it is missing or differs from the jar's entry.
     */
    static Path cachedCopy(URL resource, String name, Path nativeDir) throws IOException {
        long crc = -1;
        long size = -1;
        URLConnection c = resource.openConnection();
        if (c instanceof JarURLConnection jar) {
            jar.setUseCaches(false);
            try (JarFile file = jar.getJarFile()) {
                JarEntry e = file.getJarEntry(jar.getEntryName());
                if (e != null) {
                    crc = e.getCrc();
                    size = e.getSize();
                }
            }
        }
        if (crc < 0 || size < 0) {
            // Not from a jar (or no CRC recorded): fingerprint the bytes themselves.
            try (InputStream in = resource.openStream()) {
                long[] crcAndSize = crcAndSize(in);
                crc = crcAndSize[0];
                size = crcAndSize[1];
            }
        }
        Path dir = nativeDir.resolve("rocksdbjni-" + HexFormat.of().toHexDigits((int) crc) + "-" + size);
        Path lib = dir.resolve(name);
        // The copy is only ever put in place whole (moved after its CRC was checked) in a directory
        // of the owner's: its size is checked, not its CRC again (that took 130 ms of a start).
        if (Files.isRegularFile(lib) && Files.size(lib) == size) {
            return dir;
        }
        createOwnerOnly(dir);
        Path part = Files.createTempFile(dir, name, ".part");
        try {
            try (InputStream in = resource.openStream()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.size(part) != size || crcOf(part) != crc) {
                throw new IOException("the unpacked " + name + " does not match its jar entry");
            }
            try {
                Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, lib, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
        return dir;
    }

    private static long crcOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return crcAndSize(in)[0];
        }
    }

    /** The CRC-32 of what {@code in} holds, and its length. */
    private static long[] crcAndSize(InputStream in) throws IOException {
        CRC32 sum = new CRC32();
        byte[] buf = new byte[1 << 16];
        long n = 0;
        for (int r; (r = in.read(buf)) > 0; n += r) {
            sum.update(buf, 0, r);
        }
        return new long[] {sum.getValue(), n};
    }

    /** Creates {@code dir} and any missing parents, readable and writable by the owner only where the file system allows it. */
    private static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createOwnerOnly(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by a concurrent start
        }
    }
}
