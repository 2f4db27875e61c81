package org.dockerera.controller.internal.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dockerera.api.App;
import org.dockerera.api.AppService;
import org.dockerera.api.AppSpec;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.DeployService;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.EnvVar;
import org.dockerera.api.Explanation;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.ImageReference;
import org.dockerera.api.Instance;
import org.dockerera.api.RegistryService;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;
import org.dockerera.api.events.EventTypes;
import org.dockerera.controller.internal.ControllerConfig;
import org.dockerera.controller.internal.HostRegistry;
import org.dockerera.controller.internal.Ids;
import org.dockerera.controller.internal.KeyManager;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.controller.internal.reconcile.Rollout;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.Scheduler;
import org.dockerera.spi.store.ConfigStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** Deploys, rollbacks, scaling and restarts, queued through the {@link EngineComponent}. */
@Component(service = DeployService.class)
public class DeployServiceImpl implements DeployService {
    @Reference
    private EngineComponent core;

    public DeployServiceImpl() {
    }

    /** For tests: no OSGi. */
    DeployServiceImpl(EngineComponent core) {
        this.core = core;
    }

    // ==== DeployService ==============================================================================================

    @Override
    public Deploy deploy(String app, DeployRequest request, String actor) {
        core.ledger().requireApp(app);
        if (request == null) {
            throw DockereraException.invalid("invalid-image", "a body {\"image\": \"registry/name:tag\"} is required");
        }
        ImageReference ref = ImageReference.parse(request.image());
        return core.enqueue(app, "deploy", ref.toString(), request.instances(), null, actor);
    }

    @Override
    public Explanation explain(String app, DeployRequest request) {
        AppRecord a = core.ledger().requireApp(app);
        if (request != null && request.image() != null) {
            ImageReference.parse(request.image());
        }
        int n = request != null && request.instances() != null ? request.instances() : a.app().instances();
        PlacementPlan plan = core.engine().preview(a.app(), n);
        Map<String, String> urls = new HashMap<>();
        for (Host h : core.hosts().list()) {
            urls.put(h.id(), h.url());
        }
        List<Explanation.Placement> placements = plan.assignments().stream()
                .map(h -> new Explanation.Placement(h, urls.get(h))).toList();
        Map<String, List<String>> rejections = new LinkedHashMap<>(plan.rejections());
        return new Explanation(app, n, plan.strategy(), placements, rejections, plan.notes(), plan.complete(),
                plan.failure());
    }

    @Override
    public Deploy rollback(String app, Integer release, String actor) {
        AppRecord a = core.ledger().requireApp(app);
        List<ReleaseRecord> all = core.ledger().releases(app);
        int to;
        if (release != null) {
            ReleaseRecord r = core.ledger().release(app, release).orElseThrow(() -> DockereraException.notFound(
                    "release-not-found", "app " + app + " has no release " + release + "; see GET /api/apps/" + app
                            + "/releases"));
            to = r.release().version();
        } else {
            Integer active = a.app().activeRelease();
            if (active == null) {
                throw DockereraException.conflict("no-previous-release", "app " + app + " has no active release to "
                        + "roll back from");
            }
            to = -1;
            for (int i = all.size() - 1; i >= 0; i--) {
                Release r = all.get(i).release();
                if (r.version() < active && r.status() == ReleaseStatus.SUPERSEDED) {
                    to = r.version();
                    break;
                }
            }
            if (to < 0) {
                throw DockereraException.conflict("no-previous-release", "app " + app + " has no release that was "
                        + "active before release " + active + " (failed releases are skipped)");
            }
        }
        return core.enqueue(app, "rollback", null, null, to, actor);
    }

    @Override
    public Deploy scale(String app, int instances, String actor) {
        if (instances < 0) {
            throw DockereraException.invalid("invalid-instances", "instances must be 0 or more, got " + instances);
        }
        core.ledger().requireApp(app);
        return core.enqueue(app, "scale", null, instances, null, actor);
    }

    @Override
    public Deploy restart(String app, String actor) {
        AppRecord a = core.ledger().requireApp(app);
        if (a.app().activeRelease() == null) {
            throw DockereraException.conflict("not-deployed", "app " + app + " has no active release to restart; "
                    + "deploy an image first");
        }
        return core.enqueue(app, "restart", null, null, null, actor);
    }

    @Override
    public Deploy get(String id) {
        return record(id).view();
    }

    @Override
    public List<Deploy> list(String app) {
        core.ledger().requireApp(app);
        List<Deploy> out = new ArrayList<>(core.ledger().deploys(app).stream().map(DeployRecord::view).toList());
        java.util.Collections.reverse(out);
        return out.size() > Engine.KEPT_DEPLOYS ? out.subList(0, Engine.KEPT_DEPLOYS) : out;
    }

    @Override
    public List<Event> events(String deployId) {
        return record(deployId).events();
    }

    private DeployRecord record(String id) {
        return (id == null ? java.util.Optional.<DeployRecord>empty() : core.ledger().deploy(id))
                .orElseThrow(() -> DockereraException.notFound("deploy-not-found", "no deploy '" + id + "'"));
    }

}
