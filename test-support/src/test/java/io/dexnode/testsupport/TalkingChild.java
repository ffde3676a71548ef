package io.dexnode.testsupport;

/**
 * The child of {@link ChildJvmTest}: prints "line 1" … "line N" (N = first argument), a word on
 * standard error, then either exits or, with a second argument "stay", sleeps until killed.
 */
public final class TalkingChild {
    private TalkingChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        int lines = Integer.parseInt(args[0]);
        for (int i = 1; i <= lines; i++) {
            System.out.println("line " + i);
        }
        System.out.flush();
        System.err.println("a word on stderr");
        System.err.flush();
        if (args.length > 1 && args[1].equals("stay")) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
