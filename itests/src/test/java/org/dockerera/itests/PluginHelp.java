package org.dockerera.itests;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** What the plugin tests share: reading {@code GET /api/plugins}, making plugin jars, installing an artifact. */
final class PluginHelp {
    private final Api api;
    private final String token;

    PluginHelp(Api api, String token) {
        this.api = api;
        this.token = token;
    }

    JsonNode plugins() {
        Api.Response r = api.get("/api/plugins", token);
        if (r.status() != 200) {
            throw new AssertionError("GET /api/plugins: " + r);
        }
        return r.json();
    }

    /** The implementation named {@code name} at {@code point}, if listed. */
    Optional<JsonNode> implementation(String point, String name) {
        return implementation(plugins(), point, name);
    }

    static Optional<JsonNode> implementation(JsonNode plugins, String point, String name) {
        for (JsonNode p : plugins) {
            if (p.path("point").asText().equals(point)) {
                for (JsonNode i : p.path("implementations")) {
                    if (i.path("name").asText().equals(name)) {
                        return Optional.of(i);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Waits until the implementation satisfies {@code until} (absent counts as null); returns the ms it took. */
    long awaitImplementation(String point, String name, Predicate<JsonNode> until, Duration atMost) {
        long t0 = System.nanoTime();
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> until.test(implementation(point, name).orElse(null)));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * A copy of {@code jar} whose {@code Bundle-Version} is {@code version}: the same code "rebuilt", so an update to
     * it is visible in the listing.
     */
    static Path withBundleVersion(Path jar, String version, Path out) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(out), m)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    o.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(o);
                    o.closeEntry();
                }
            }
        }
        return out;
    }

    /** A dockerera bundle as the distribution's system repository holds it. */
    static Path systemJar(Distribution dist, String artifactId, String version) {
        return dist.home().resolve("system/org/dockerera/" + artifactId + "/" + version + "/" + artifactId + "-"
                + version + ".jar");
    }

    /**
     * Copies an artifact into the distribution's system repository (Maven layout), where its offline
     * {@code mvn:} URLs resolve: what an operator does to install a plugin without a reachable Maven repository.
     */
    static void intoSystemRepository(Distribution dist, Path file, String groupId, String artifactId, String version,
                                     String classifier, String type) throws IOException {
        Path dir = dist.home().resolve("system/" + groupId.replace('.', '/') + "/" + artifactId + "/" + version);
        Files.createDirectories(dir);
        Files.copy(file, dir.resolve(artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + "."
                + type), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A bundle that resolves and starts, but whose DS strategy component ({@code dockerera.strategy = explodes}) never
     * runs: it needs a service nobody offers ({@code org.example.explodes.Dependency}). Its class is the example
     * plugin's, copied from {@code exampleJar}.
     */
    static Path unsatisfiedStrategyComponentBundle(Path exampleJar, Path out) throws IOException {
        String impl = "org/dockerera/examples/weighted/WeightedStrategy.class";
        byte[] clazz = null;
        try (JarInputStream in = new JarInputStream(Files.newInputStream(exampleJar))) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                if (e.getName().equals(impl)) {
                    clazz = in.readAllBytes();
                }
            }
        }
        if (clazz == null) {
            throw new IllegalStateException(impl + " not in " + exampleJar);
        }
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(new Attributes.Name("Bundle-ManifestVersion"), "2");
        a.put(new Attributes.Name("Bundle-SymbolicName"), "dockerera-failing-strategy");
        a.put(new Attributes.Name("Bundle-Version"), "1.0.0");
        a.put(new Attributes.Name("Import-Package"), "org.dockerera.spi.scheduler;version=\"[0.1,1)\"");
        a.put(new Attributes.Name("Service-Component"), "OSGI-INF/explodes.xml");
        a.put(new Attributes.Name("Provide-Capability"), "osgi.service;objectClass:List<String>=\""
                + "org.dockerera.spi.scheduler.PlacementStrategy\";uses:=\"org.dockerera.spi.scheduler\"");
        try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(out), m)) {
            o.putNextEntry(new JarEntry("OSGI-INF/explodes.xml"));
            o.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"example.explodes\""
                    + " immediate=\"true\">\n"
                    + "  <property name=\"dockerera.strategy\" value=\"explodes\"/>\n"
                    + "  <service><provide interface=\"org.dockerera.spi.scheduler.PlacementStrategy\"/></service>\n"
                    + "  <reference name=\"dependency\" interface=\"org.example.explodes.Dependency\""
                    + " cardinality=\"1..1\" policy=\"static\"/>\n"
                    + "  <implementation class=\"org.dockerera.examples.weighted.WeightedStrategy\"/>\n"
                    + "</scr:component>\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            o.closeEntry();
            o.putNextEntry(new JarEntry(impl));
            o.write(clazz);
            o.closeEntry();
        }
        return out;
    }

    /**
     * A bundle that offers a placement strategy but can never resolve: it imports a package nobody exports. Its
     * manifest says what bnd would write for a DS strategy component ({@code Provide-Capability: osgi.service}).
     */
    static Path unresolvableStrategyBundle(Path out) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(new Attributes.Name("Bundle-ManifestVersion"), "2");
        a.put(new Attributes.Name("Bundle-SymbolicName"), "dockerera-broken-strategy");
        a.put(new Attributes.Name("Bundle-Version"), "1.0.0");
        a.put(new Attributes.Name("Import-Package"), "org.dockerera.spi.scheduler;version=\"[0.1,1)\","
                + "org.example.nowhere;version=\"[1,2)\"");
        a.put(new Attributes.Name("Provide-Capability"), "osgi.service;objectClass:List<String>=\""
                + "org.dockerera.spi.scheduler.PlacementStrategy\";uses:=\"org.dockerera.spi.scheduler\"");
        try (OutputStream o = new JarOutputStream(Files.newOutputStream(out), m)) {
            o.flush();
        }
        return out;
    }
}
