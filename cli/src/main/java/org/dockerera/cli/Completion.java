package org.dockerera.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code completion}: prints the bash completion script ({@code source <(dockerera completion)}). */
@Command(name = "completion", description = "Print the bash completion script: source <(dockerera completion)")
final class Completion extends Cmd {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    int run() {
        term().out().print(AutoComplete.bash("dockerera", spec.root().commandLine()));
        return 0;
    }
}
