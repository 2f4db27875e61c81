/**
 * Router backends: HTTP reverse proxies that serve the route table (built-in, HAProxy, Apache httpd …). Each backend
 * is a bundle + feature registering a {@link org.dockerera.spi.router.RouterBackend}; the router agent feeds it
 * tables and acknowledges the epochs it serves.
 */
@Export
@Version("0.2.0")
package org.dockerera.spi.router;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
