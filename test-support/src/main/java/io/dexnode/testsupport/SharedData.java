package io.dexnode.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Finds the shared specs' test vectors ({@code ../shared}, or wherever the system property
 * {@value #DIR_PROPERTY} points). On a developer's clone without them a test that needs them is
 * skipped; under CI (environment variable {@code CI=true}) a missing file fails the test instead,
 * so that a build that silently checked nothing cannot pass.
 */
public final class SharedData {
    /** The system property naming the shared folder; the build sets it to {@code ../shared}. */
    public static final String DIR_PROPERTY = "dexnode.shared.dir";
    private static final String DEFAULT_DIR = "../../shared";

    private final Path root;
    private final boolean ci;

    SharedData(Path root, boolean ci) {
        this.root = root;
        this.ci = ci;
    }

    /** The shared folder of this run: the system property, and CI from the environment. */
    public static SharedData ofThisRun() {
        return new SharedData(Path.of(System.getProperty(DIR_PROPERTY, DEFAULT_DIR)), isCi(System.getenv("CI")));
    }

    /** {@code <shared>/data/jmt/<name>}: the JMT and ICS23 vectors. */
    public static Path jmtVector(String name) {
        return ofThisRun().file("data", "jmt", name);
    }

    /**
     * The file at {@code <shared>/<first>/<more…>}. Absent: the test is skipped (as by a JUnit
     * assumption), or fails under CI.
     */
    public Path file(String first, String... more) {
        Path p = root.resolve(Path.of(first, more));
        if (!Files.exists(p)) {
            String where = "shared test vectors not found at " + p.toAbsolutePath().normalize() + " (system property "
                    + DIR_PROPERTY + "=" + root + ")";
            if (ci) {
                throw new AssertionFailedError(where + "; under CI=true they are required: check the shared folder out next to"
                        + " the repository (../shared) or point -D" + DIR_PROPERTY + " at it");
            }
            throw new TestAbortedException(where + "; skipped (under CI=true this fails)");
        }
        return p;
    }

    /** Whether the environment variable CI says this is a CI run ({@code true} or {@code 1}, as CI services set it). */
    static boolean isCi(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }
}
