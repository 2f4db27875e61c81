package org.dockerera.store.embedded.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.store.embedded.cfg}. A change restarts the store (a few milliseconds). */
@ObjectClassDefinition(name = "dockerera embedded config store",
        description = "The default config store: one H2 MVStore file, every acknowledged write fsync'd")
public @interface EmbeddedStoreConfig {
    String PID = "org.dockerera.store.embedded";

    @AttributeDefinition(description = "The store file. ${name} is replaced by the framework property of that name "
            + "(karaf.data, karaf.home, …); the directory is created when missing")
    String path() default "${karaf.data}/dockerera/store.mv";

    @AttributeDefinition(description = "How many of the most recent changes the change feed keeps; a watcher or "
            + "reader further behind re-lists (resync)", min = "1")
    int historyRetention() default Options.DEFAULT_HISTORY_RETENTION;

    @AttributeDefinition(description = "Seconds between compactions of the store file (rewriting sparse chunks); "
            + "0 turns scheduled compaction off", min = "0")
    int compactIntervalSeconds() default Options.DEFAULT_COMPACT_INTERVAL_SECONDS;
}
