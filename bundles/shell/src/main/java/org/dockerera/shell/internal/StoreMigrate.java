package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.StoreMigration;
import org.dockerera.api.StoreService;

@Command(scope = "dockerera", name = "store-migrate",
        description = "Copies all state to another config store backend and makes it the active one (writes pause"
                + " for the copy; routers keep serving)")
@Service
public class StoreMigrate implements Action {

    @Reference
    StoreService store;

    @Option(name = "--to", required = true, description = "Backend to move to: embedded, redis, couchbase …")
    String to;

    @Option(name = "--force", description = "Replace keys the target already holds")
    boolean force;

    @Override
    public Object execute() {
        StoreMigration m = store.migrate(to, force);
        System.out.println("Moved " + m.keys() + " keys from " + m.from() + " to " + m.to() + " (sha-256 "
                + m.checksum().substring(0, 16) + "…, writes paused " + m.fencedMs() + " ms); " + m.to()
                + " is active and recorded in etc/org.dockerera.store.cfg");
        return null;
    }
}
