package org.dockerera.controller.internal.apps;

import java.util.List;
import org.dockerera.api.LogEntry;
import org.dockerera.api.LogQuery;
import org.dockerera.api.LogService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Apps' logs, read and followed through the {@link EngineComponent}'s {@link AppLogs}. */
@Component(service = LogService.class)
public class LogsComponent implements LogService {
    @Reference
    private EngineComponent core;

    public LogsComponent() {
    }

    /** For tests: no OSGi. */
    LogsComponent(EngineComponent core) {
        this.core = core;
    }

    @Override
    public List<LogEntry> logs(String app, LogQuery query) {
        return core.logs().read(app, query == null ? LogQuery.DEFAULT : query);
    }

    @Override
    public LogStream follow(String app, LogQuery query) {
        return core.logs().follow(app, query == null ? LogQuery.DEFAULT : query);
    }
}
