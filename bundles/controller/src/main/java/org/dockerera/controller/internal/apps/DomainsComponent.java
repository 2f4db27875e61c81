package org.dockerera.controller.internal.apps;

import java.util.ArrayList;
import java.util.List;
import org.dockerera.api.DockereraException;
import org.dockerera.api.DomainService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Extra domains per app, stored in the app's record; every change publishes the next route table. */
@Component(service = DomainService.class)
public class DomainsComponent implements DomainService {
    @Reference
    private EngineComponent core;

    public DomainsComponent() {
    }

    /** For tests: no OSGi. */
    DomainsComponent(EngineComponent core) {
        this.core = core;
    }

    @Override
    public List<String> domains(String app) {
        return core.ledger().requireApp(app).domains();
    }

    @Override
    public List<String> add(String app, String domain) {
        core.requireActive();
        String d = DomainService.normalize(domain);
        core.ledger().requireApp(app);
        synchronized (this) {
            for (AppRecord other : core.ledger().apps()) {
                if (other.name().equals(d) || !other.name().equals(app) && other.domains().contains(d)) {
                    throw DockereraException.conflict("domain-taken", "domain " + d + " belongs to app "
                            + other.name() + "; remove it there first");
                }
            }
            AppRecord a = core.ledger().updateApp(app, r -> {
                List<String> next = new ArrayList<>(r.domains());
                if (!next.contains(d)) {
                    next.add(d);
                }
                return r.withDomains(next);
            });
            republish();
            return a.domains();
        }
    }

    @Override
    public List<String> remove(String app, String domain) {
        core.requireActive();
        String d = DomainService.normalize(domain);
        core.ledger().requireApp(app);
        AppRecord a = core.ledger().updateApp(app, r -> r.withDomains(r.domains().stream()
                .filter(x -> !x.equals(d)).toList()));
        republish();
        return a.domains();
    }

    private void republish() {
        core.engine().fleet().publish(epoch -> { });
    }
}
