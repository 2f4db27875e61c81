package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.Callable;

import picocli.CommandLine.ParentCommand;

/** A subcommand: reaches the root's options, terminal and API; returns its exit code. */
abstract class Cmd implements Callable<Integer> {
    @ParentCommand
    Dockerera root;

    @Override
    public final Integer call() {
        return run();
    }

    abstract int run();

    Api api() {
        return root.api();
    }

    String app() {
        return root.app();
    }

    String appPath() {
        return Dockerera.appPath(app());
    }

    Terminal term() {
        return root.term;
    }

    boolean json() {
        return root.json;
    }

    void println(String s) {
        root.term.out().println(s);
    }

    /** {@code --json} prints the node as is and returns true; otherwise the caller prints a table. */
    boolean printedJson(JsonNode node) {
        if (root.json) {
            root.printJson(node);
            return true;
        }
        return false;
    }
}
