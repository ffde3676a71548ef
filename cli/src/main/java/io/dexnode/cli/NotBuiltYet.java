package io.dexnode.cli;

import java.util.concurrent.Callable;

/**
 * A command that is listed (so {@code --help} shows the whole tool) but not built yet. Calling it
 * says so plainly and exits with status 2 instead of pretending to work.
 */
abstract class NotBuiltYet implements Callable<Integer> {
    private final String command;
    private final int issue;

    NotBuiltYet(String command, int issue) {
        this.command = command;
        this.issue = issue;
    }

    @Override
    public Integer call() {
        System.err.printf("dexnode %s: not built yet (tracked in issue #%d).%n", command, issue);
        return 2;
    }
}
