package io.dexnode.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aScratchDirectoryIsCreatedUnderItsParentAndLeavesNothingBehind() throws Exception {
        Path parent = tmp.resolve("not/yet/there");
        Path path;
        try (ScratchDirectory dir = ScratchDirectory.create(parent, "dexnode-bench-test")) {
            path = dir.path();
            assertThat(path.getParent()).isEqualTo(parent);
            assertThat(path.getFileName().toString()).startsWith("dexnode-bench-test");
            Files.writeString(Files.createDirectories(path.resolve("db/sub")).resolve("000001.log"), "x");
        }
        assertThat(path).doesNotExist();
        assertThat(parent).isEmptyDirectory();
    }
}
