package org.dockerera.rest.internal;

import java.time.Clock;
import java.time.Duration;
import javax.servlet.Servlet;
import org.dockerera.api.HostService;
import org.dockerera.api.InfoService;
import org.dockerera.api.RegistryService;
import org.dockerera.api.TokenService;
import org.dockerera.api.events.EventBus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers {@code /api/*} on the HTTP Whiteboard (Pax Web). Every service is an optional dynamic reference: the API
 * (and {@code /api/health}) stays up while the controller restarts, answering 503 {@code service-unavailable} for
 * what is missing; open event streams end when the event bus goes and clients reconnect to the next one.
 */
@Component(service = Servlet.class, configurationPid = RestComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
            HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=/api/*",
            HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=dockerera-rest",
            HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED + ":Boolean=true"
        })
@Designate(ocd = RestConfig.class)
public class RestComponent extends ApiServlet implements Services {
    static final String PID = "org.dockerera.rest";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RestComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile HostService hostService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile RegistryService registryService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile TokenService tokenService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile InfoService infoService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.LeadershipService leadershipService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.AppService appService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.DeployService deployService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.RouteService routeService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.RouterService routerService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.DomainService domainService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.CertificateService certificateService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.LogService logService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.RunService runService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.StoreService storeService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.events.CamelRoutes camelRoutes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile org.dockerera.api.PluginService pluginService;

    private transient volatile EventBus eventBus;
    private transient volatile RestApi restApi;

    @Activate
    void activate(RestConfig config) {
        RestSettings settings = new RestSettings(
                Duration.ofMinutes(Math.max(1, config.session_idle_minutes())),
                Duration.ofSeconds(Math.max(0, config.session_recheck_seconds())),
                Duration.ofSeconds(Math.max(1, config.sse_heartbeat_seconds())),
                Math.max(1024, config.max_body_bytes()),
                Math.max(10, config.sse_queue_limit()));
        RestApi created = new RestApi(this, settings, Clock.systemUTC());
        restApi = created;
        api(created);
        LOG.info("REST API registered at /api/* (session idle timeout {}, SSE heartbeat {})",
                settings.sessionIdleTimeout(), settings.heartbeat());
    }

    @Deactivate
    void deactivate() {
        RestApi a = restApi;
        restApi = null;
        api(null);
        if (a != null) {
            a.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEventBus(EventBus bus) {
        this.eventBus = bus;
    }

    void unbindEventBus(EventBus bus) {
        if (eventBus == bus) {
            eventBus = null;
        }
        RestApi a = restApi;
        if (a != null) {
            // streams are subscribed to the bus that went away: end them, clients reconnect to the new one
            a.closeEventStreams();
        }
    }

    @Override
    public HostService hosts() {
        return Services.require(hostService, "host service");
    }

    @Override
    public RegistryService registries() {
        return Services.require(registryService, "registry service");
    }

    @Override
    public TokenService tokens() {
        return Services.require(tokenService, "token service");
    }

    @Override
    public InfoService info() {
        return Services.require(infoService, "info service");
    }

    @Override
    public org.dockerera.api.LeadershipService leadership() {
        return leadershipService;
    }

    @Override
    public org.dockerera.api.AppService apps() {
        return Services.require(appService, "app service");
    }

    @Override
    public org.dockerera.api.DeployService deploys() {
        return Services.require(deployService, "deploy service");
    }

    @Override
    public org.dockerera.api.RouteService routes() {
        return Services.require(routeService, "route service");
    }

    @Override
    public org.dockerera.api.RouterService routers() {
        return Services.require(routerService, "router service");
    }

    @Override
    public org.dockerera.api.DomainService domains() {
        return Services.require(domainService, "domain service");
    }

    @Override
    public org.dockerera.api.CertificateService certificates() {
        return Services.require(certificateService, "certificate service");
    }

    @Override
    public org.dockerera.api.LogService logs() {
        return Services.require(logService, "log service");
    }

    @Override
    public org.dockerera.api.RunService runs() {
        return Services.require(runService, "run service");
    }

    @Override
    public org.dockerera.api.StoreService store() {
        return Services.require(storeService, "store service");
    }

    @Override
    public org.dockerera.api.events.CamelRoutes camelRoutes() {
        return Services.require(camelRoutes, "Camel context (events bundle)");
    }

    @Override
    public org.dockerera.api.PluginService plugins() {
        return Services.require(pluginService, "plugin listing (feature dockerera-plugins)");
    }

    @Override
    public EventBus events() {
        return Services.require(eventBus, "event bus");
    }
}
