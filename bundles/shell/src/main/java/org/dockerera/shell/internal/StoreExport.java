package org.dockerera.shell.internal;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.StoreService;

@Command(scope = "dockerera", name = "store-export",
        description = "Writes every key of the active config store to a JSON file (secrets stay sealed)")
@Service
public class StoreExport implements Action {

    @Reference
    StoreService store;

    @Argument(index = 0, name = "file", required = true, description = "File to write (relative to Karaf's home)")
    String file;

    @Override
    public Object execute() throws Exception {
        Path target = Path.of(file).toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), ".store-export", ".tmp");
        long n;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            n = store.exportTo(out);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Exported " + n + " keys to " + target);
        return null;
    }
}
