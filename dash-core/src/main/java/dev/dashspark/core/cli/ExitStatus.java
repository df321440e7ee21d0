package dev.dashspark.core.cli;

/**
 * The exit statuses of the {@code dash} commands, distinct so that a scheduler (cron, Airflow, a Kubernetes CronJob)
 * can tell a sweep with failed trials from a bad configuration and from an output another sweep holds. This enum is
 * the one list: the generated usage ({@code --help}) prints it.
 */
public enum ExitStatus {
    OK(0, "done; for a sweep: every planned trial is OK"),
    ERROR(1, "anything else: an I/O error, a lost cluster, a bug (the message and stack trace are on stderr)"),
    USAGE(2, "bad configuration or command line (the message names the file, line and key, or the option)"),
    TRIALS_NOT_OK(3, "the sweep finished, with FAILED or DIVERGED trials (or trials it may not rerun)"),
    OUTPUT_HELD(4, "the output is held by another sweep (its lease names the holder); --wait waits instead");

    private final int code;
    private final String meaning;

    ExitStatus(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** An error that ends a command with a given status (other than {@link #USAGE}: that is {@link ConfigError}). */
    public static class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final ExitStatus status;

        public Failure(ExitStatus status, String message) {
            super(message);
            this.status = status;
        }

        public ExitStatus status() {
            return status;
        }
    }
}
