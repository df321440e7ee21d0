package dev.dashspark.core.cli;

import dev.dashspark.core.bench.AggConvBench;

import java.util.Arrays;

/**
 * dash-core's command line: {@code bench aggconv ...}. Invoked by {@code submit/dash}; usage errors exit with 2 and a
 * message naming the bad argument.
 */
public final class DashCli {
    private DashCli() {
    }

    static final String USAGE = """
            usage: dash bench aggconv --sweep kd|len [--points 1,2,...] [--methods fft,mixed-weights,mixed-results]
                                      [--steps N] [--warmup N] [--batch B]
            """;

    public static void main(String[] args) {
        try {
            if (args.length >= 2 && args[0].equals("bench") && args[1].equals("aggconv")) {
                AggConvBench.main(Arrays.copyOfRange(args, 2, args.length));
                return;
            }
            throw new IllegalArgumentException(args.length == 0 ? "missing command"
                    : "unknown command '" + String.join(" ", Arrays.copyOf(args, Math.min(2, args.length))) + "'");
        } catch (IllegalArgumentException e) {
            System.err.println("dash: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }
}
