package dev.dashspark.core.cli;

import dev.dashspark.core.bench.AggConvBench;

import java.util.Arrays;

/**
 * dash-core's command line: {@code trial ...} and {@code bench aggconv ...}. Invoked by {@code submit/dash}; usage errors exit with 2 and a
 * message naming the bad argument.
 */
public final class DashCli {
    private DashCli() {
    }

    static final String USAGE = """
            usage: dash trial --conf FILE --task NAME --method dash|mixed-results|backbone|random [--seed N]
                              [--hpo reference|lr|none] [--out FILE]
                   dash bench trial [--tasks 1d,2d] [--seed N] [--steps N] [--search-steps N] [--stock-steps N]
                                    [--profile-reps N] [--budget S,H,R] [--grid reference|lr|none] [--train2d N]
                                    [--trials S,H,R]
                   dash bench aggconv --sweep kd|len [--points 1,2,...] [--methods fft,mixed-weights,mixed-results]
                                      [--steps N] [--warmup N] [--batch B]
                   dash bench data [--size-mb N] [--formats npy,npz,npz-deflated] [--reps N] [--dir DIR] [--keep]
            """;

    public static void main(String[] args) {
        try {
            if (args.length >= 2 && args[0].equals("bench") && args[1].equals("aggconv")) {
                AggConvBench.main(Arrays.copyOfRange(args, 2, args.length));
                return;
            }
            if (args.length >= 2 && args[0].equals("bench") && args[1].equals("data")) {
                dev.dashspark.core.bench.DataBench.main(Arrays.copyOfRange(args, 2, args.length));
                return;
            }
            if (args.length >= 2 && args[0].equals("bench") && args[1].equals("trial")) {
                dev.dashspark.core.bench.TrialBench.main(Arrays.copyOfRange(args, 2, args.length));
                return;
            }
            if (args.length >= 1 && args[0].equals("trial")) {
                System.exit(TrialCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            }
            throw new IllegalArgumentException(args.length == 0 ? "missing command"
                    : "unknown command '" + String.join(" ", Arrays.copyOf(args, Math.min(2, args.length))) + "'");
        } catch (IllegalArgumentException e) {
            System.err.println("dash: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (Exception e) {
            System.err.println("dash: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }
}
