@Export
@Version("0.5.0")
package org.dockerera.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
