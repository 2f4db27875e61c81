package org.dockerera.controller.internal.apps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.dockerera.api.DockereraException;
import org.dockerera.controller.internal.Json;
import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;

/**
 * The deploy engine's records in the config store, one JSON document per key:
 * <pre>
 * apps/&lt;app&gt;                  AppRecord
 * releases/&lt;app&gt;/&lt;0000000007&gt;  ReleaseRecord
 * instances/&lt;app&gt;/&lt;id&gt;        InstanceRecord
 * deploys/&lt;id&gt;                 DeployRecord
 * logs/&lt;app&gt;/&lt;instance&gt;       RetainedLog: the last lines of a removed instance
 * counters/deploy-seq          the last deploy sequence number
 * routes/epoch                 the last published route table epoch
 * </pre>
 * Read-modify-write goes through {@link #update}, a compare-and-set loop on the key's version.
 */
final class Ledger {
    static final String APPS = "apps/";
    static final String RELEASES = "releases/";
    static final String INSTANCES = "instances/";
    static final String DEPLOYS = "deploys/";
    static final String LOGS = "logs/";
    static final String DEPLOY_SEQ = "counters/deploy-seq";
    static final String ROUTE_EPOCH = "routes/epoch";
    private static final int MAX_CAS_ATTEMPTS = 50;

    private final ConfigStore store;

    Ledger(ConfigStore store) {
        this.store = store;
    }

    ConfigStore store() {
        return store;
    }

    // ---- apps ----

    Optional<AppRecord> app(String name) {
        return store.get(APPS + name).map(e -> Json.read(e.value(), AppRecord.class));
    }

    AppRecord requireApp(String name) {
        return app(name).filter(a -> !a.deleting()).orElseThrow(() -> DockereraException.notFound("app-not-found",
                "no app '" + name + "'; see the apps with GET /api/apps or dockerera:app-list"));
    }

    List<AppRecord> apps() {
        return store.list(APPS).stream().map(e -> Json.read(e.value(), AppRecord.class)).toList();
    }

    void createApp(AppRecord a) {
        store.put(APPS + a.name(), Json.write(a), ConfigStore.ABSENT);
    }

    AppRecord updateApp(String name, UnaryOperator<AppRecord> change) {
        return update(APPS + name, AppRecord.class, change);
    }

    void deleteApp(String name) {
        for (Entry e : store.list(RELEASES + name + "/")) {
            store.delete(e.key(), ConfigStore.ANY_VERSION);
        }
        for (Entry e : store.list(INSTANCES + name + "/")) {
            store.delete(e.key(), ConfigStore.ANY_VERSION);
        }
        for (Entry e : store.list(LOGS + name + "/")) {
            store.delete(e.key(), ConfigStore.ANY_VERSION);
        }
        store.delete(APPS + name, ConfigStore.ANY_VERSION);
    }

    // ---- releases ----

    static String releaseKey(String app, int version) {
        return RELEASES + app + "/" + String.format("%010d", version);
    }

    Optional<ReleaseRecord> release(String app, int version) {
        return store.get(releaseKey(app, version)).map(e -> Json.read(e.value(), ReleaseRecord.class));
    }

    /** Oldest first. */
    List<ReleaseRecord> releases(String app) {
        return store.list(RELEASES + app + "/").stream().map(e -> Json.read(e.value(), ReleaseRecord.class))
                .sorted(Comparator.comparingInt(r -> r.release().version())).toList();
    }

    void putRelease(ReleaseRecord r) {
        store.put(releaseKey(r.release().app(), r.release().version()), Json.write(r), ConfigStore.ANY_VERSION);
    }

    ReleaseRecord updateRelease(String app, int version, UnaryOperator<ReleaseRecord> change) {
        return update(releaseKey(app, version), ReleaseRecord.class, change);
    }

    // ---- instances ----

    List<InstanceRecord> instances(String app) {
        return store.list(INSTANCES + app + "/").stream().map(e -> Json.read(e.value(), InstanceRecord.class)).toList();
    }

    List<InstanceRecord> allInstances() {
        return store.list(INSTANCES).stream().map(e -> Json.read(e.value(), InstanceRecord.class)).toList();
    }

    Optional<InstanceRecord> instance(String app, String id) {
        return store.get(INSTANCES + app + "/" + id).map(e -> Json.read(e.value(), InstanceRecord.class));
    }

    void putInstance(InstanceRecord i) {
        store.put(INSTANCES + i.app() + "/" + i.id(), Json.write(i), ConfigStore.ANY_VERSION);
    }

    /** Changes a record if it still exists; answers the new record, or empty when it is gone. */
    Optional<InstanceRecord> updateInstance(String app, String id, UnaryOperator<InstanceRecord> change) {
        if (store.get(INSTANCES + app + "/" + id).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(update(INSTANCES + app + "/" + id, InstanceRecord.class, change));
    }

    void deleteInstance(String app, String id) {
        store.delete(INSTANCES + app + "/" + id, ConfigStore.ANY_VERSION);
    }

    // ---- retained logs ----

    List<RetainedLog> retainedLogs(String app) {
        return store.list(LOGS + app + "/").stream().map(e -> Json.read(e.value(), RetainedLog.class)).toList();
    }

    void putRetainedLog(RetainedLog r) {
        store.put(LOGS + r.app() + "/" + r.instance(), Json.write(r), ConfigStore.ANY_VERSION);
    }

    void deleteRetainedLog(String app, String instance) {
        store.delete(LOGS + app + "/" + instance, ConfigStore.ANY_VERSION);
    }

    // ---- deploys ----

    Optional<DeployRecord> deploy(String id) {
        return store.get(DEPLOYS + id).map(e -> Json.read(e.value(), DeployRecord.class));
    }

    List<DeployRecord> deploys() {
        return store.list(DEPLOYS).stream().map(e -> Json.read(e.value(), DeployRecord.class)).toList();
    }

    /** The app's deploys, queue order. */
    List<DeployRecord> deploys(String app) {
        return deploys().stream().filter(d -> d.app().equals(app)).sorted(Comparator.comparingLong(DeployRecord::seq))
                .toList();
    }

    void putDeploy(DeployRecord d) {
        store.put(DEPLOYS + d.id(), Json.write(d), ConfigStore.ANY_VERSION);
    }

    DeployRecord updateDeploy(String id, UnaryOperator<DeployRecord> change) {
        return update(DEPLOYS + id, DeployRecord.class, change);
    }

    /** Keeps the newest {@code keep} finished deploys of the app. */
    void pruneDeploys(String app, int keep) {
        List<DeployRecord> finished = new ArrayList<>(deploys(app).stream().filter(DeployRecord::finishedAlready)
                .toList());
        for (int i = 0; i < finished.size() - keep; i++) {
            store.delete(DEPLOYS + finished.get(i).id(), ConfigStore.ANY_VERSION);
        }
    }

    long nextDeploySeq() {
        return increment(DEPLOY_SEQ);
    }

    long nextRouteEpoch() {
        return increment(ROUTE_EPOCH);
    }

    long routeEpoch() {
        return store.get(ROUTE_EPOCH).map(e -> Json.read(e.value(), Counter.class).value()).orElse(0L);
    }

    record Counter(long value) {
    }

    private long increment(String key) {
        for (int attempt = 0; ; attempt++) {
            Optional<Entry> e = store.get(key);
            long next = e.map(x -> Json.read(x.value(), Counter.class).value()).orElse(0L) + 1;
            try {
                store.put(key, Json.write(new Counter(next)), e.map(Entry::version).orElse(ConfigStore.ABSENT));
                return next;
            } catch (CasConflictException conflict) {
                if (attempt >= MAX_CAS_ATTEMPTS) {
                    throw conflict;
                }
            }
        }
    }

    private <T> T update(String key, Class<T> type, UnaryOperator<T> change) {
        for (int attempt = 0; ; attempt++) {
            Entry e = store.get(key).orElseThrow(() -> new IllegalStateException("no record " + key));
            T next = change.apply(Json.read(e.value(), type));
            try {
                store.put(key, Json.write(next), e.version());
                return next;
            } catch (CasConflictException conflict) {
                if (attempt >= MAX_CAS_ATTEMPTS) {
                    throw conflict;
                }
            }
        }
    }
}
