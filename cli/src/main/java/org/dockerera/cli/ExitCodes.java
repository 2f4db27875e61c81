package org.dockerera.cli;

/** The CLI's exit codes; documented in {@code dockerera --help} and README. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    static final String HELP = "%nExit codes:%n"
            + "  0  done%n"
            + "  1  the operation failed (a deploy failed, unknown app, input the controller refused)%n"
            + "  2  usage error (unknown command or option, missing argument, no configuration)%n"
            + "  3  the controller is unreachable, is a standby (the message names the active one), or refused"
            + " the token%n";

    private ExitCodes() {
    }
}
