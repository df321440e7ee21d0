package dev.dashspark.core.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code dash} command line, on picocli: one parser for every command of both modules, usage generated from the
 * declared options, {@code --help} on every command and subcommand (printed on stdout, exit 0), and the exit statuses
 * of {@link ExitStatus}: a usage error or a {@link ConfigError} exits 2, an {@link ExitStatus.Failure} with its
 * status, anything else 1. dash-core declares {@code trial} and {@code bench aggconv|trial}; the Spark application
 * adds its commands to the same tree ({@link #tree()}, then {@link #configure}).
 */
@Command(name = "dash", mixinStandardHelpOptions = true, versionProvider = DashCli.Version.class,
        description = "DASH (kernel size and dilation per convolution) on ND4J/DL4J.",
        subcommands = {TrialCommand.class, BenchCommand.class})
public final class DashCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** The command tree of dash-core, not yet {@linkplain #configure configured}. */
    public static CommandLine tree() {
        return new CommandLine(new DashCli());
    }

    /**
     * Exit statuses, error output and the exit-status list in every command's usage; call after the last
     * subcommand is added (picocli applies these settings to the subcommands present).
     */
    public static CommandLine configure(CommandLine cl) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitStatus s : ExitStatus.values()) {
            codes.put(Integer.toString(s.code()), s.meaning());
        }
        apply(cl, codes);
        cl.setExecutionExceptionHandler(DashCli::failed);
        return cl;
    }

    private static void apply(CommandLine cl, Map<String, String> codes) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(codes);
        for (CommandLine sub : cl.getSubcommands().values()) {
            apply(sub, codes);
        }
    }

    /** The status of an exception a command threw, with its message on stderr (a stack trace only for status 1). */
    static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        if (e instanceof ConfigError) {
            err.println(name + ": " + e.getMessage());
            err.println("see '" + name + " --help'");
            err.flush();
            return ExitStatus.USAGE.code();
        }
        if (e instanceof ExitStatus.Failure f) {
            err.println(name + ": " + f.getMessage());
            err.flush();
            return f.status().code();
        }
        err.println(name + ": " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitStatus.ERROR.code();
    }

    public static void main(String[] args) {
        System.exit(configure(tree()).execute(args));
    }

    /** {@code --version}: the implementation version of the jar, when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DashCli.class.getPackage().getImplementationVersion();
            return new String[] {"dash " + (v == null ? "(development build)" : v)};
        }
    }
}
