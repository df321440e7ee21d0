package dev.dashspark.core.cli;

/**
 * Bad input from the user: a configuration file, a task definition or a command-line value that cannot be used. The
 * message names the file, line and key (or the option) and what was expected, and never echoes a secret. This, and
 * only this, ends a command with {@link ExitStatus#USAGE} (2); any other {@link IllegalArgumentException} is a bug
 * and exits 1.
 */
public class ConfigError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message);
    }

    public ConfigError(String message, Throwable cause) {
        super(message, cause);
    }
}
