package org.dockerera.rest.internal;

import org.dockerera.api.DockereraException;
import org.dockerera.api.HostService;
import org.dockerera.api.InfoService;
import org.dockerera.api.RegistryService;
import org.dockerera.api.TokenService;
import org.dockerera.api.events.EventBus;

/**
 * The services the API calls. In Karaf they are optional dynamic DS references, so each getter throws 503
 * {@code service-unavailable} while its service is missing; in tests they are fakes.
 */
interface Services {
    HostService hosts();

    RegistryService registries();

    TokenService tokens();

    InfoService info();

    EventBus events();

    org.dockerera.api.AppService apps();

    org.dockerera.api.DeployService deploys();

    org.dockerera.api.RouteService routes();

    org.dockerera.api.RouterService routers();

    org.dockerera.api.DomainService domains();

    org.dockerera.api.CertificateService certificates();

    org.dockerera.api.LogService logs();

    org.dockerera.api.RunService runs();

    org.dockerera.api.StoreService store();

    /** This controller's role; null when no lease service runs (changes are then not gated). */
    default org.dockerera.api.LeadershipService leadership() {
        return null;
    }

    org.dockerera.api.events.CamelRoutes camelRoutes();

    /** The plugin listing (feature dockerera-plugins). */
    org.dockerera.api.PluginService plugins();

    /** Returns {@code service}, or throws 503 {@code service-unavailable} naming it when it is null. */
    static <T> T require(T service, String what) {
        if (service == null) {
            throw DockereraException.unavailable("service-unavailable",
                    "the " + what + " is not running; check that the dockerera bundles are active (bundle:list, scr:list) and retry",
                    null);
        }
        return service;
    }
}
