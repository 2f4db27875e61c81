@Export
@Version("0.6.0")
package org.dockerera.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
