package io.dexnode.bench.engine;

import io.dexnode.engine.RiskPassStats;
import java.util.Arrays;

/** Each block's {@link RiskPassStats}, gathered into {@link EngineBench.RiskPassFigures}. */
final class RiskPassSamples {
    private final long[] nanos;
    private final long[] cpu;
    private int n;
    private long examined;
    private long maxExamined;
    private long liquidated;

    RiskPassSamples(int blocks) {
        nanos = new long[blocks];
        cpu = new long[blocks];
    }

    void add(RiskPassStats r) {
        nanos[n] = r.nanos();
        cpu[n++] = r.cpuNanos();
        examined += r.examined();
        maxExamined = Math.max(maxExamined, r.examined());
        liquidated += r.liquidated();
    }

    EngineBench.RiskPassFigures figures() {
        long[] wall = sorted(nanos);
        long[] onCpu = sorted(cpu);
        return new EngineBench.RiskPassFigures(mean(wall), at(wall, 0.50), at(wall, 0.99), n == 0 ? 0 : wall[n - 1] / 1e3,
                mean(onCpu), at(onCpu, 0.50), at(onCpu, 0.99), n == 0 ? 0 : (double) examined / n, maxExamined, liquidated);
    }

    private long[] sorted(long[] values) {
        long[] out = Arrays.copyOf(values, n);
        Arrays.sort(out);
        return out;
    }

    private static double mean(long[] sorted) {
        return Arrays.stream(sorted).average().orElse(0) / 1e3;
    }

    private static double at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e3;
    }
}
