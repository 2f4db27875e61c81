package org.dockerera.api;

/** A registry login, as posted to {@code POST /api/registries}. The password is stored encrypted. */
public record RegistrySpec(String server, String username, String password) {
    @Override
    public String toString() {
        return "RegistrySpec[server=" + server + ", username=" + username + ", password=***]";
    }
}
