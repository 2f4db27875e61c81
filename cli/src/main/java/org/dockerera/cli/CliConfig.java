package org.dockerera.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ~/.dockerera/config} (or {@code $DOCKERERA_CONFIG}): profiles of controller URL and token, INI style.
 *
 * <pre>
 * current = default
 *
 * [default]
 * url = http://127.0.0.1:8181
 * token = dke_…
 * </pre>
 *
 * Written with mode 0600 (its directory 0700) through a temporary file and a rename, so a reader never sees half a
 * file and the token is never readable by others, even for a moment.
 */
final class CliConfig {
    static final String DEFAULT_PROFILE = "default";

    record Profile(String url, String token) {
    }

    private final Path file;
    private String current;
    private final Map<String, Profile> profiles = new LinkedHashMap<>();

    private CliConfig(Path file) {
        this.file = file;
    }

    static Path defaultPath(Map<String, String> env) {
        String explicit = env.get("DOCKERERA_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Paths.get(explicit);
        }
        return Paths.get(System.getProperty("user.home"), ".dockerera", "config");
    }

    static CliConfig load(Path file) {
        CliConfig c = new CliConfig(file);
        if (!Files.exists(file)) {
            return c;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage() + " (fix its permissions or run"
                    + " `dockerera init`)");
        }
        String section = null;
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                sections.computeIfAbsent(section, k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw CliException.usage(file + " line " + n + ": expected `key = value` (fix it or run"
                        + " `dockerera init`)");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (section == null) {
                if ("current".equals(key)) {
                    c.current = value;
                }
            } else {
                sections.get(section).put(key, value);
            }
        }
        sections.forEach((name, kv) -> c.profiles.put(name, new Profile(kv.get("url"), kv.get("token"))));
        return c;
    }

    Path file() {
        return file;
    }

    /** The profile to use: the one asked for, else the file's {@code current}, else {@code default}. */
    String profileName(String asked) {
        if (asked != null && !asked.isBlank()) {
            return asked;
        }
        return current != null ? current : DEFAULT_PROFILE;
    }

    Profile profile(String name) {
        return profiles.get(name);
    }

    Map<String, Profile> profiles() {
        return profiles;
    }

    void put(String name, Profile p, boolean makeCurrent) {
        profiles.put(name, p);
        if (makeCurrent) {
            current = name;
        }
    }

    void save() {
        StringBuilder b = new StringBuilder("# dockerera CLI configuration, written by `dockerera init`\n");
        if (current != null) {
            b.append("current = ").append(current).append('\n');
        }
        profiles.forEach((name, p) -> {
            b.append('\n').append('[').append(name).append("]\n");
            if (p.url() != null) {
                b.append("url = ").append(p.url()).append('\n');
            }
            if (p.token() != null) {
                b.append("token = ").append(p.token()).append('\n');
            }
        });
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, ".config", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, b, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw CliException.failed("cannot write " + file + ": " + e.getMessage());
        }
    }
}
