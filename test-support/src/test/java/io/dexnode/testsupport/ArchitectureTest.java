package io.dexnode.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every module's sources, main and test, against the arrows of DESIGN.md §2 ({@link ModuleArrows}).
 * Maven already refuses a dependency a module does not declare; this states which ones it may
 * declare at all, and keeps libraries out of the modules that must not know them.
 */
class ArchitectureTest {
    /** The repository root: the build passes it; from a module's folder it is the parent. */
    private static final Path ROOT = Path.of(System.getProperty("dexnode.project.dir", "..")).toAbsolutePath().normalize();

    @Test
    void everyModuleOfTheBuildHasItsArrows() throws IOException {
        Set<String> modules = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(ROOT)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("src")))
                    .forEach(d -> modules.add(d.getFileName().toString()));
        }
        assertThat(modules).as("modules under %s", ROOT).isEqualTo(ModuleArrows.ARROWS.keySet());
    }

    @Test
    void noModuleNamesAModuleOrLibraryItMustNotKnow() throws IOException {
        List<ModuleArrows.Violation> violations = new ArrayList<>();
        int files = 0;
        for (String module : ModuleArrows.ARROWS.keySet()) {
            for (String kind : List.of("main", "test")) {
                Path sources = ROOT.resolve(module).resolve("src").resolve(kind).resolve("java");
                if (!Files.isDirectory(sources)) {
                    continue;
                }
                List<Path> javaFiles;
                try (Stream<Path> walk = Files.walk(sources)) {
                    javaFiles = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
                }
                for (Path file : javaFiles) {
                    files++;
                    violations.addAll(ModuleArrows.check(module, kind.equals("test"), ROOT.relativize(file).toString(),
                            Files.readString(file)));
                }
            }
        }
        assertThat(files).as("java files under %s", ROOT).isGreaterThan(100);
        assertThat(violations).as("names across the arrows of DESIGN.md §2").isEmpty();
    }

    @Test
    void everyModuleWithTestsGivesThemADefaultTimeout() throws IOException {
        for (String module : ModuleArrows.ARROWS.keySet()) {
            if (!Files.isDirectory(ROOT.resolve(module).resolve("src/test/java"))) {
                continue;
            }
            Path properties = ROOT.resolve(module).resolve("src/test/resources/junit-platform.properties");
            assertThat(properties).as("%s's JUnit configuration", module).isRegularFile();
            assertThat(Files.readString(properties)).as("%s's JUnit configuration", module)
                    .containsPattern("(?m)^junit\\.jupiter\\.execution\\.timeout\\.default\\s*=");
        }
    }

    @Test
    void theArrowsReachWhatDesignSaysAndNoFurther() {
        assertThat(ModuleArrows.reachable("cli")).containsExactlyInAnyOrder("cli", "node", "bench", "engine", "book", "state", "jmt");
        assertThat(ModuleArrows.reachable("bench")).containsExactlyInAnyOrder("bench", "node", "engine", "book", "state", "jmt");
        assertThat(ModuleArrows.reachable("node")).containsExactlyInAnyOrder("node", "engine", "book", "state", "jmt");
        assertThat(ModuleArrows.reachable("engine")).containsExactlyInAnyOrder("engine", "book", "state", "jmt");
        assertThat(ModuleArrows.reachable("state")).containsExactlyInAnyOrder("state", "jmt");
        assertThat(ModuleArrows.reachable("book")).containsExactly("book");
        assertThat(ModuleArrows.reachable("jmt")).containsExactly("jmt");
        assertThat(ModuleArrows.reachable("test-support")).containsExactly("test-support");
    }

    @Test
    void aForbiddenImportIsFoundWithItsLineButMentionsInCommentsAndStringsAreNot() {
        String source = """
                package io.dexnode.book;

                import io.dexnode.state.StateManager;
                // io.dexnode.engine.Engine, in a comment
                /** {@link io.dexnode.node.Node} in Javadoc */
                final class Bad {
                    String s = "io.dexnode.cli.Main";
                    char c = '"';
                    Object o = io.dexnode.engine.Engine.class;
                    com.fasterxml.jackson.databind.JsonNode json;
                }
                """;
        assertThat(ModuleArrows.check("book", false, "Bad.java", source)).extracting(ModuleArrows.Violation::toString)
                .containsExactly(
                        "Bad.java:3: book names state (io.dexnode.state); it may name only [book]",
                        "Bad.java:9: book names engine (io.dexnode.engine); it may name only [book]",
                        "Bad.java:10: book must not know com.fasterxml.jackson");
    }

    @Test
    void testsMayNameTestSupportButMainCodeMayNot() {
        String source = "package io.dexnode.jmt;\nimport io.dexnode.testsupport.SharedData;\n";
        assertThat(ModuleArrows.check("jmt", true, "T.java", source)).isEmpty();
        assertThat(ModuleArrows.check("jmt", false, "M.java", source)).hasSize(1);
    }

    @Test
    void nodeMayNotNameTheCliNorBenchNorJmh() {
        String source = "package io.dexnode.node;\nimport io.dexnode.cli.Main;\nimport io.dexnode.bench.api.ApiBench;\n"
                + "import org.openjdk.jmh.runner.Runner;\n";
        assertThat(ModuleArrows.check("node", false, "N.java", source)).extracting(ModuleArrows.Violation::line)
                .containsExactly(2, 3, 4);
    }
}
