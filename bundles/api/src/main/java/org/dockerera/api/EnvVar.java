package org.dockerera.api;

/**
 * One environment variable of an app. Secret values are stored encrypted and listed as {@link #MASK}.
 */
public record EnvVar(String key, String value, boolean secret) {
    public static final String MASK = "********";
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public EnvVar {
        if (key == null || !KEY.matcher(key).matches()) {
            throw DockereraException.invalid("invalid-env", "environment variable name '" + key
                    + "' must be letters, digits and '_', not starting with a digit");
        }
        if (value == null) {
            throw DockereraException.invalid("invalid-env", "environment variable " + key + " needs a value");
        }
    }

    /** As listed: secret values masked. */
    public EnvVar masked() {
        return secret ? new EnvVar(key, MASK, true) : this;
    }
}
