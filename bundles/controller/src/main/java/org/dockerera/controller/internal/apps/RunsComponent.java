package org.dockerera.controller.internal.apps;

import org.dockerera.api.Run;
import org.dockerera.api.RunRequest;
import org.dockerera.api.RunService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** One-off runs, carried out by the {@link EngineComponent}'s {@link Runs}. */
@Component(service = RunService.class)
public class RunsComponent implements RunService {
    @Reference
    private EngineComponent core;

    public RunsComponent() {
    }

    /** For tests: no OSGi. */
    RunsComponent(EngineComponent core) {
        this.core = core;
    }

    @Override
    public Run start(String app, RunRequest request, String actor) {
        core.requireActive();
        return core.runs().start(app, request, actor);
    }

    @Override
    public Run get(String app, String id) {
        return core.runs().get(app, id);
    }

    @Override
    public RunOutput output(String app, String id) {
        return core.runs().output(app, id);
    }

    @Override
    public void remove(String app, String id) {
        core.requireActive();
        core.runs().remove(app, id);
    }
}
