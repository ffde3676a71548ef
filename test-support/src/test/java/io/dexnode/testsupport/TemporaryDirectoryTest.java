package io.dexnode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TemporaryDirectoryTest {

    @Test
    void closeDeletesTheDirectoryWithEverythingUnderIt() throws Exception {
        Path path;
        try (TemporaryDirectory dir = TemporaryDirectory.create("dexnode-test-support")) {
            path = dir.path();
            Files.writeString(Files.createDirectories(path.resolve("a/b")).resolve("c.txt"), "c");
            Files.writeString(path.resolve("d.txt"), "d");
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void deletingWhatIsNotThereDoesNothing() {
        Path gone = Path.of(System.getProperty("java.io.tmpdir"), "dexnode-never-created-" + System.nanoTime());
        TemporaryDirectory.deleteRecursively(gone);
        assertThat(gone).doesNotExist();
    }
}
