package org.dockerera.controller.internal.apps;

/** An environment variable as stored: a secret's value is sealed (see SecretBox). */
record StoredVar(String value, boolean secret) {
}
