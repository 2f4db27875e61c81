@Export
@Version("0.3.0")
package org.dockerera.api.events;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
