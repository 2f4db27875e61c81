package org.dockerera.spi.provider;

/** A published port: {@code hostIp:hostPort} forwards to {@code containerPort}. */
public record PortMapping(String hostIp, int hostPort, int containerPort) {
}
