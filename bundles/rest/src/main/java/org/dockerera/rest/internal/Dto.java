package org.dockerera.rest.internal;

import java.util.Map;
import org.dockerera.api.TokenScope;

/** Request and response bodies of the API that are not model records of the api bundle. */
final class Dto {
    private Dto() {
    }

    /** {@code POST /api/hosts}. */
    record HostRequest(String url, Map<String, String> labels, TlsRequest tls, CapacityRequest capacity, Boolean force) {
    }

    /** PEM text; all three are needed. */
    record TlsRequest(String ca, String cert, String key) {
        @Override
        public String toString() {
            return "TlsRequest[ca=" + (ca != null) + ", cert=" + (cert != null) + ", key=***]";
        }
    }

    record CapacityRequest(Double cpus, Long memoryBytes) {
    }

    /** {@code POST /api/registries}. */
    record RegistryRequest(String server, String username, String password) {
        @Override
        public String toString() {
            return "RegistryRequest[server=" + server + ", username=" + username + ", password=***]";
        }
    }

    /** {@code POST /api/tokens}. */
    record TokenRequest(String name, String scope) {
    }

    /** {@code POST /api/session}. */
    record SessionRequest(String token) {
        @Override
        public String toString() {
            return "SessionRequest[token=***]";
        }
    }

    /** {@code POST|GET /api/session}. {@code csrfToken} is absent for bearer-authenticated callers. */
    record SessionReply(String csrfToken, String tokenId, String tokenName, TokenScope scope) {
    }

    /** {@code GET /api/health}. */
    record StoreReply(org.dockerera.api.StoreStatus active, java.util.List<org.dockerera.api.StoreBackend> backends) {
    }

    /** {@code POST /api/store/migrate}. */
    record MigrateRequest(String to, Boolean force) {
    }

    record Health(String status) {
    }

    /** {@code GET /api/camel/routes}: the Camel context's routes, and the route files (loaded or failed). */
    record CamelRoutesReply(String directory, java.util.List<org.dockerera.api.events.CamelRouteInfo> routes,
                            java.util.List<org.dockerera.api.events.RouteFileStatus> files) {
    }
}
