package org.dockerera.shell.internal;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.StoreService;

@Command(scope = "dockerera", name = "store-import",
        description = "Loads a store-export file into the active config store (verified first; writes pause meanwhile)")
@Service
public class StoreImport implements Action {

    @Reference
    StoreService store;

    @Argument(index = 0, name = "file", required = true, description = "A file written by store-export")
    String file;

    @Option(name = "--force", description = "Replace everything the store holds")
    boolean force;

    @Override
    public Object execute() throws Exception {
        long n;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            n = store.importFrom(in, force);
        }
        System.out.println("Imported " + n + " keys from " + Path.of(file).toAbsolutePath() + " into the "
                + store.status().backend() + " store");
        return null;
    }
}
