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

/** Apps, environment, releases and instances, recorded through the {@link EngineComponent}. */
@Component(service = AppService.class)
public class AppServiceImpl implements AppService {
    @Reference
    private EngineComponent core;

    public AppServiceImpl() {
    }

    /** For tests: no OSGi. */
    AppServiceImpl(EngineComponent core) {
        this.core = core;
    }

    // ==== AppService =================================================================================================

    @Override
    public List<App> list() {
        return core.ledger().apps().stream().filter(a -> !a.deleting()).map(AppRecord::app)
                .sorted(Comparator.comparing(App::name)).toList();
    }

    @Override
    public App get(String name) {
        return core.ledger().requireApp(name).app();
    }

    @Override
    public App create(AppSpec spec) {
        core.requireActive();
        if (spec == null || spec.name() == null) {
            throw DockereraException.invalid("invalid-app-name", "name is required, e.g. {\"name\": \"my.app.com\"}");
        }
        Constraint.parseAll(spec.constraints());
        core.ledger().app(spec.name()).ifPresent(a -> {
            throw DockereraException.conflict(a.deleting() ? "app-deleting" : "app-exists", a.deleting()
                    ? "app " + spec.name() + " is being removed; create it again once that deploy ended"
                    : "app " + spec.name() + " already exists; change it with PATCH /api/apps/" + spec.name());
        });
        for (AppRecord other : core.ledger().apps()) {
            if (other.domains().contains(spec.name())) {
                throw DockereraException.conflict("domain-taken", "app " + other.name() + " already answers to "
                        + spec.name() + " (one of its domains)");
            }
        }
        App app = App.create(spec, core.clock().instant());
        try {
            core.ledger().createApp(new AppRecord(app, Map.of(), 0, null, false));
        } catch (org.dockerera.spi.store.CasConflictException e) {
            throw DockereraException.conflict("app-exists", "app " + spec.name() + " already exists");
        }
        core.engine().fleet().publish(epoch -> { }); // routers answer 503 for it now, not 404
        core.publish(new Event(EventTypes.APP_CREATED, core.clock().instant(), app.name(), null, null, null, "app " + app.name()
                + " created"));
        return app;
    }

    @Override
    public AppUpdate patch(String name, AppSpec patch, String actor) {
        core.requireActive();
        AppRecord current = core.ledger().requireApp(name);
        if (patch == null) {
            return new AppUpdate(current.app(), null);
        }
        App before = current.app();
        App after = before.patch(patch, core.clock().instant());
        Constraint.parseAll(after.constraints());
        boolean containersChange = !Objects.equals(before.port(), after.port())
                || !Objects.equals(before.command(), after.command()) || before.type() != after.type()
                || !Objects.equals(before.resources(), after.resources())
                || !Objects.equals(before.health(), after.health())
                || !Objects.equals(before.restartPolicy(), after.restartPolicy())
                || before.stopTimeoutMs() != after.stopTimeoutMs();
        boolean scale = after.instances() != before.instances();
        boolean deployed = current.app().activeRelease() != null || current.target() != null;
        // the instance count is applied by the deploy when one runs, so it changes in queue order
        App recorded = deployed && scale ? Engine.withInstances(after, before.instances(), after.updated()) : after;
        AppRecord saved = core.ledger().updateApp(name, a -> a.withApp(new App(recorded.name(), a.app().instances() != before
                .instances() ? a.app().instances() : recorded.instances(), recorded.type(), recorded.port(),
                recorded.command(), recorded.health(), recorded.resources(), recorded.restartPolicy(),
                recorded.drainTimeoutMs(), recorded.stopTimeoutMs(), recorded.constraints(), a.app().activeRelease(),
                a.app().image(), a.app().created(), recorded.updated())));
        core.publish(new Event(EventTypes.APP_UPDATED, core.clock().instant(), name, null, null, null, "app " + name
                + " settings changed"));
        Deploy deploy = null;
        if (deployed && current.app().activeRelease() != null && containersChange) {
            deploy = core.enqueue(name, "config", null, scale ? after.instances() : null, null, actor);
        } else if (deployed && scale) {
            deploy = core.enqueue(name, "scale", null, after.instances(), null, actor);
        }
        return new AppUpdate(saved.app(), deploy);
    }

    @Override
    public Deploy remove(String name, String actor) {
        core.requireActive();
        core.ledger().requireApp(name);
        core.ledger().updateApp(name, AppRecord::markedDeleting);
        Deploy d = core.enqueue(name, "delete", null, 0, null, actor);
        return d;
    }

    @Override
    public List<EnvVar> env(String app) {
        AppRecord a = core.ledger().requireApp(app);
        List<EnvVar> out = new ArrayList<>();
        a.env().forEach((k, v) -> out.add(new EnvVar(k, v.secret() ? EnvVar.MASK : v.value(), v.secret())));
        return out;
    }

    @Override
    public AppUpdate patchEnv(String app, Map<String, String> changes, String actor) {
        core.requireActive();
        core.ledger().requireApp(app);
        if (changes == null || changes.isEmpty()) {
            return new AppUpdate(get(app), null);
        }
        Map<String, StoredVar> set = new LinkedHashMap<>();
        List<String> unset = new ArrayList<>();
        changes.forEach((k, v) -> {
            if (v == null) {
                new EnvVar(k, "-", false); // checks the name
                unset.add(k);
            } else {
                set.put(k, new StoredVar(new EnvVar(k, v, false).value(), false));
            }
        });
        return changeEnv(app, set, unset, actor);
    }

    @Override
    public AppUpdate setEnv(String app, String key, String value, boolean secret, String actor) {
        core.requireActive();
        core.ledger().requireApp(app);
        EnvVar v = new EnvVar(key, value, secret);
        return changeEnv(app, Map.of(v.key(), new StoredVar(v.value(), secret)), List.of(), actor);
    }

    /** Applies sets (plain values; sealed here when secret, or when the key already was) and unsets. */
    private AppUpdate changeEnv(String app, Map<String, StoredVar> set, List<String> unset, String actor) {
        boolean[] changed = {false};
        AppRecord saved = core.ledger().updateApp(app, a -> {
            Map<String, StoredVar> env = new HashMap<>(a.env());
            changed[0] = false;
            set.forEach((k, v) -> {
                StoredVar old = env.get(k);
                boolean secret = v.secret() || old != null && old.secret();
                String oldPlain = old == null ? null : old.secret() ? core.secrets().open(old.value()) : old.value();
                if (!v.value().equals(oldPlain) || old.secret() != secret) {
                    env.put(k, new StoredVar(secret ? core.secrets().seal(v.value()) : v.value(), secret));
                    changed[0] = true;
                }
            });
            for (String k : unset) {
                changed[0] |= env.remove(k) != null;
            }
            return a.withEnv(env);
        });
        if (!changed[0]) {
            return new AppUpdate(saved.app(), null);
        }
        core.publish(new Event(EventTypes.APP_UPDATED, core.clock().instant(), app, null, null, null, "environment of " + app
                + " changed: " + (set.isEmpty() ? "" : "set " + String.join(", ", set.keySet()))
                + (unset.isEmpty() ? "" : (set.isEmpty() ? "" : "; ") + "unset " + String.join(", ", unset))));
        Deploy d = saved.app().activeRelease() != null || saved.target() != null
                ? core.enqueue(app, "env", null, null, null, actor) : null;
        return new AppUpdate(saved.app(), d);
    }

    @Override
    public List<Release> releases(String app) {
        core.ledger().requireApp(app);
        List<Release> out = new ArrayList<>(core.ledger().releases(app).stream().map(ReleaseRecord::release).toList());
        java.util.Collections.reverse(out);
        return out;
    }

    @Override
    public Release release(String app, int version) {
        core.ledger().requireApp(app);
        return core.ledger().release(app, version).map(ReleaseRecord::release).orElseThrow(() -> DockereraException.notFound(
                "release-not-found", "app " + app + " has no release " + version + "; see GET /api/apps/" + app
                        + "/releases"));
    }

    @Override
    public List<Instance> instances(String app) {
        return instances(app, false);
    }

    @Override
    public List<Instance> instances(String app, boolean withStats) {
        core.ledger().requireApp(app);
        List<InstanceRecord> records = core.ledger().instances(app);
        Map<String, org.dockerera.api.InstanceStats> stats = withStats ? core.stats(records) : Map.of();
        return records.stream().map(r -> r.view().withStats(stats.get(r.id())))
                .sorted(Comparator.comparing(Instance::release).thenComparing(Instance::id)).toList();
    }

}
