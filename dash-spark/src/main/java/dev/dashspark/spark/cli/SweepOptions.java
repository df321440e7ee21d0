package dev.dashspark.spark.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** The options {@code sweep} and {@code demo} share. */
final class SweepOptions {
    @Option(names = "--plan", description = "print the plan (one line per trial) and stop")
    boolean plan;

    @Option(names = "--output", paramLabel = "PATH", description = "overrides sweep.output")
    String output;

    @Option(names = "--master", paramLabel = "URL", description = "overrides spark.master")
    String master;

    @Option(names = "--wait", description = "when another sweep holds the output, wait for it instead of exiting 4")
    boolean waitForLease;

    /** The configuration keys these options override. */
    Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>();
        if (output != null) {
            o.put("sweep.output", output);
        }
        if (master != null) {
            o.put("spark.master", master);
        }
        return o;
    }
}
