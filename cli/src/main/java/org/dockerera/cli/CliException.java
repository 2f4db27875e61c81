package org.dockerera.cli;

/**
 * A failure the CLI reports as one line on stderr and an exit code (see {@link ExitCodes}).
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** 1: the operation failed (a deploy failed, an unknown app, invalid input the server refused …). */
    public static CliException failed(String message) {
        return new CliException(ExitCodes.FAILED, message);
    }

    /** 2: the command line itself is wrong. */
    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    /** 3: the controller cannot be reached, is a standby, or refused the credentials. */
    public static CliException unreachable(String message) {
        return new CliException(ExitCodes.UNREACHABLE, message);
    }
}
