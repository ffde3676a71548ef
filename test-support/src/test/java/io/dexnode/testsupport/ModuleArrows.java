package io.dexnode.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arrows of DESIGN.md §2 as data, and the check of one source file against them: a module's
 * code may name the packages of the modules it reaches along the arrows (and its own); its tests
 * may also name test-support; and its main code must not name the libraries DESIGN.md says it must
 * not know. Comments and string literals do not count, so a Javadoc that mentions a package is fine.
 */
final class ModuleArrows {
    /** The arrows, as drawn in DESIGN.md §2. */
    static final Map<String, Set<String>> ARROWS = Map.of(
            "jmt", Set.of(),
            "state", Set.of("jmt"),
            "book", Set.of(),
            "engine", Set.of("book", "state"),
            "node", Set.of("engine"),
            "bench", Set.of("node", "engine"),
            "cli", Set.of("node", "bench"),
            "test-support", Set.of());

    /** Each module's package root segment under {@code io.dexnode}. */
    static final Map<String, String> PACKAGE = Map.of(
            "jmt", "jmt", "state", "state", "book", "book", "engine", "engine", "node", "node", "bench", "bench", "cli", "cli",
            "test-support", "testsupport");

    /** Libraries whose packages a module's main code must not name (DESIGN.md §2, "must not know about"). */
    static final Map<String, List<String>> FORBIDDEN_LIBRARIES = Map.of(
            "jmt", List.of("org.rocksdb"),
            "book", List.of("java.io", "java.nio.file", "java.net", "org.rocksdb", "com.fasterxml.jackson"),
            "engine", List.of("java.net.http", "io.javalin", "org.eclipse.jetty", "picocli", "org.apache.ratis"),
            "node", List.of("picocli", "org.openjdk.jmh"));

    private static final Pattern DEXNODE = Pattern.compile("\\bio\\.dexnode\\.([A-Za-z0-9_]+)");

    /** One forbidden name in one file. */
    record Violation(String file, int line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    private ModuleArrows() {
    }

    /** The modules {@code module} reaches along the arrows, itself included. */
    static Set<String> reachable(String module) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.removeLast();
            if (seen.add(m)) {
                todo.addAll(ARROWS.get(m));
            }
        }
        return seen;
    }

    /** The violations of the file {@code file} of {@code module} ({@code test} for test sources), whose text is {@code source}. */
    static List<Violation> check(String module, boolean test, String file, String source) {
        Set<String> allowed = new TreeSet<>(reachable(module));
        if (test) {
            allowed.add("test-support");
        }
        Map<String, String> moduleOfSegment = new TreeMap<>();
        PACKAGE.forEach((m, segment) -> moduleOfSegment.put(segment, m));
        String code = codeOnly(source);
        List<Violation> out = new ArrayList<>();
        Matcher m = DEXNODE.matcher(code);
        while (m.find()) {
            String named = moduleOfSegment.get(m.group(1));
            if (named == null) {
                out.add(new Violation(file, lineOf(code, m.start()), "names io.dexnode." + m.group(1) + ", which is no module's package"));
            } else if (!allowed.contains(named)) {
                out.add(new Violation(file, lineOf(code, m.start()), module + (test ? " (tests)" : "") + " names " + named
                        + " (io.dexnode." + m.group(1) + "); it may name only " + allowed));
            }
        }
        if (!test) {
            for (String library : FORBIDDEN_LIBRARIES.getOrDefault(module, List.of())) {
                Matcher lib = Pattern.compile("\\b" + Pattern.quote(library) + "\\b").matcher(code);
                while (lib.find()) {
                    out.add(new Violation(file, lineOf(code, lib.start()), module + " must not know " + library));
                }
            }
        }
        return out;
    }

    /** {@code source} with comments, string, text-block and char literals blanked; line breaks kept, so lines still count. */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int n = source.length();
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else {
                out.append(c);
                i++;
                continue;
            }
            out.append(' ');
            for (int k = i; k < end; k++) {
                if (source.charAt(k) == '\n') {
                    out.append('\n');
                }
            }
            i = end;
        }
        return out.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int k = 0; k < offset; k++) {
            if (text.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }
}
