package org.dockerera.spi.provider;

/** A registry login handed to a pull. */
public record RegistryCredentials(String server, String username, String password) {
    @Override
    public String toString() {
        return "RegistryCredentials[server=" + server + ", username=" + username + ", password=***]";
    }
}
