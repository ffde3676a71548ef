package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.testsupport.ChildJvm;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

/**
 * RocksDB's native library comes from a per-user cache, unpacked once: a killed process leaves
 * nothing in the temporary directory, a later start reuses the copy, and a truncated copy is
 * replaced rather than loaded.
 */
class RocksLibraryTest {
    private static final String NAME = RocksLibrary.FILE;

    @TempDir
    Path tmp;

    private static URL resource() {
        URL r = RocksDB.class.getClassLoader().getResource(RocksLibrary.RESOURCE);
        assertThat(r).as("RocksJava's jar holds %s", RocksLibrary.RESOURCE).isNotNull();
        return r;
    }

    @Test
    void theLibraryIsUnpackedOnceAndThenReused() throws Exception {
        Path cache = tmp.resolve("native");
        Path dir = RocksLibrary.cachedCopy(resource(), NAME, cache);
        Path lib = dir.resolve(NAME);
        assertThat(lib).isRegularFile();
        assertThat(dir.getFileName().toString()).endsWith("-" + Files.size(lib));
        Object identity = Files.readAttributes(lib, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        FileTime written = Files.getLastModifiedTime(lib);

        Path again = RocksLibrary.cachedCopy(resource(), NAME, cache);

        assertThat(again).isEqualTo(dir);
        assertThat(Files.readAttributes(lib, java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isEqualTo(identity);
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(written);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no partial copies left").containsExactly(NAME);
        }
    }

    @Test
    void aTruncatedCopyIsReplaced() throws Exception {
        Path cache = tmp.resolve("native");
        Path lib = RocksLibrary.cachedCopy(resource(), NAME, cache).resolve(NAME);
        byte[] good = Files.readAllBytes(lib);
        Files.write(lib, java.util.Arrays.copyOf(good, good.length / 3));

        RocksLibrary.cachedCopy(resource(), NAME, cache);

        assertThat(Files.readAllBytes(lib)).isEqualTo(good);
    }

    @Test
    @Timeout(120)
    void aKilledStoreLeavesNoCopyInTheTemporaryDirectory() throws Exception {
        Path cache = tmp.resolve("cache");
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        List<String> options = List.of("-Xmx256m", "-Ddexnode.cache.dir=" + cache, "-Djava.io.tmpdir=" + childTmp);
        Path lib = null;
        FileTime first = null;
        for (int run = 0; run < 2; run++) {
            try (ChildJvm child = ChildJvm.start(RocksLibraryChild.class, options, tmp.resolve("state").toString())) {
                assertThat(child.awaitLine(l -> l.startsWith("open "), Duration.ofSeconds(60)))
                        .as(() -> "the child opened its store" + child.describe()).isNotNull();
                child.kill();
            }
            try (Stream<Path> left = Files.list(childTmp)) {
                assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.contains("rocksdbjni")))
                        .as("RocksDB's library unpacked into the temporary directory").isEmpty();
            }
            try (Stream<Path> found = Files.walk(cache.resolve("native"))) {
                List<Path> libs = found.filter(p -> p.getFileName().toString().equals(NAME)).toList();
                assertThat(libs).hasSize(1);
                if (run == 0) {
                    lib = libs.get(0);
                    first = Files.getLastModifiedTime(lib);
                } else {
                    assertThat(libs.get(0)).isEqualTo(lib);
                    assertThat(Files.getLastModifiedTime(lib)).as("the second start reused the copy").isEqualTo(first);
                }
            }
        }
    }
}
