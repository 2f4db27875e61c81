package org.dockerera.controller.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Registry;
import org.dockerera.api.RegistryService;
import org.dockerera.api.RegistrySpec;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Registry logins under {@code registries/<id>}, passwords sealed with the cluster key. */
@Component(service = RegistryService.class)
public class RegistryServiceImpl implements RegistryService {
    static final String PREFIX = "registries/";

    private final ConfigStore store;
    private final SecretBox secrets;

    @Activate
    public RegistryServiceImpl(@Reference(target = ConfigStore.ACTIVE) ConfigStore store, @Reference KeyManager keys) {
        this(store, keys.box());
    }

    RegistryServiceImpl(ConfigStore store, SecretBox secrets) {
        this.store = store;
        this.secrets = secrets;
    }

    @Override
    public List<Registry> list() {
        return records().stream().map(RegistryRecord::toRegistry).sorted(Comparator.comparing(Registry::server)).toList();
    }

    @Override
    public Registry add(RegistrySpec spec) {
        Standby.refuse(leadership);
        if (spec == null || spec.server() == null || !spec.server().trim().matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
            throw DockereraException.invalid("invalid-registry", "server must be a registry host[:port] such as "
                    + "registry.example.com or 127.0.0.1:5000, got '" + (spec == null ? null : spec.server()) + "'");
        }
        if (spec.username() == null || spec.username().isBlank() || spec.password() == null || spec.password().isEmpty()) {
            throw DockereraException.invalid("invalid-registry", "username and password are required");
        }
        String server = spec.server().trim().toLowerCase(Locale.ROOT);
        Optional<Entry> existing = store.list(PREFIX).stream()
                .filter(e -> Json.read(e.value(), RegistryRecord.class).server().equals(server)).findFirst();
        String id = existing.map(e -> Json.read(e.value(), RegistryRecord.class).id()).orElseGet(() -> Ids.newId("r"));
        RegistryRecord record = new RegistryRecord(id, server, spec.username(), secrets.seal(spec.password()), Instant.now());
        store.put(PREFIX + id, Json.write(record), existing.map(Entry::version).orElse(ConfigStore.ABSENT));
        return record.toRegistry();
    }

    @Override
    public void remove(String idOrServer) {
        Standby.refuse(leadership);
        RegistryRecord record = records().stream()
                .filter(r -> r.id().equals(idOrServer) || r.server().equalsIgnoreCase(idOrServer)).findFirst()
                .orElseThrow(() -> DockereraException.notFound("registry-not-found", "no registry '" + idOrServer
                        + "'; list them with GET /api/registries"));
        store.delete(PREFIX + record.id(), ConfigStore.ANY_VERSION);
    }

    @Override
    public Optional<RegistrySpec> credentialsFor(String imageReference) {
        String server = registryOf(imageReference);
        return records().stream().filter(r -> r.server().equalsIgnoreCase(server)).findFirst()
                .map(r -> new RegistrySpec(r.server(), r.username(), secrets.open(r.password())));
    }

    /** The registry host an image reference names ({@code docker.io} when it names none). */
    static String registryOf(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return "docker.io";
        }
        String first = image.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first.toLowerCase(Locale.ROOT)
                : "docker.io";
    }

    private List<RegistryRecord> records() {
        return store.list(PREFIX).stream().map(e -> Json.read(e.value(), RegistryRecord.class)).toList();
    }

    @org.osgi.service.component.annotations.Reference(
            cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.dockerera.api.LeadershipService leadership;
}
