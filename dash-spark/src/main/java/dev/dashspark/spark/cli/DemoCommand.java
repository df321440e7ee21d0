package dev.dashspark.spark.cli;

import dev.dashspark.core.cli.ConfigError;
import dev.dashspark.spark.sweep.SweepConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code demo}: {@code sweep --conf <dash home>/conf/demo.conf}, with the same options. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The demo sweep (conf/demo.conf), then its report.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SweepOptions options;

    @Override
    public Integer call() {
        return SweepCommand.run(spec.commandLine().getOut(), SweepConfig.load(conf(), options.overrides()), options);
    }

    /** {@code <dash home>/conf/demo.conf}: {@code -Ddash.home}, else {@code DASH_HOME}, else the working directory. */
    static Path conf() {
        String home = System.getProperty("dash.home", System.getenv().getOrDefault("DASH_HOME", "."));
        Path conf = Path.of(home, "conf", "demo.conf");
        if (!Files.isReadable(conf)) {
            throw new ConfigError("demo: cannot read " + conf.toAbsolutePath()
                    + " (set DASH_HOME to the dash-spark checkout or distribution)");
        }
        return conf;
    }
}
