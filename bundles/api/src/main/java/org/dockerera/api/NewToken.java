package org.dockerera.api;

/** A freshly created token: the only time its secret is shown. */
public record NewToken(String id, String name, TokenScope scope, String token) {
    @Override
    public String toString() {
        return "NewToken[id=" + id + ", name=" + name + ", scope=" + scope + ", token=***]";
    }
}
