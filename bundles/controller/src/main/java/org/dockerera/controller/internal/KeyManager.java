package org.dockerera.controller.internal;

import java.nio.file.Path;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/** Loads (or creates on first start) the cluster key and offers the {@link SecretBox} to the other components. */
@Component(service = KeyManager.class, configurationPid = ControllerConfig.PID)
@Designate(ocd = ControllerConfig.class)
public class KeyManager {
    private final SecretBox box;

    @Activate
    public KeyManager(BundleContext context, ControllerConfig config) {
        Path file = config.keyFile().isBlank()
                ? Path.of(Paths.etc(context), "dockerera.key")
                : Path.of(config.keyFile());
        this.box = SecretBox.loadOrCreate(file);
    }

    public SecretBox box() {
        return box;
    }
}
