package org.dockerera.provider.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.ListContainersCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StreamType;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.dockerera.api.DockereraException;
import org.dockerera.spi.provider.ContainerEvent;
import org.dockerera.spi.provider.ContainerInfo;
import org.dockerera.spi.provider.ContainerSpec;
import org.dockerera.spi.provider.ContainerStats;
import org.dockerera.spi.provider.EngineInfo;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.LogFollower;
import org.dockerera.spi.provider.LogLine;
import org.dockerera.spi.provider.LogOptions;
import org.dockerera.spi.provider.PortMapping;
import org.dockerera.spi.provider.ProviderException;
import org.dockerera.spi.provider.RegistryCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Docker host. One docker-java client (over {@link DockerTransport}) serves every call; calls run on a small
 * bounded pool of this connection's own, so a hung host ties up only its own threads, and the caller waits at most
 * the call's deadline: on expiry the call's HTTP requests are aborted (their sockets closed) and the worker is
 * interrupted, which frees it on TCP and unix sockets alike.
 */
final class DockerHostConnection implements HostConnection {

    private static final Logger LOG = LoggerFactory.getLogger(DockerHostConnection.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final HostUrl url;
    private final Duration callTimeout;
    private final Duration pullTimeout;
    private final DockerTransport transport;
    private final DockerClient client;
    private final ThreadPoolExecutor calls;
    private final Set<AutoCloseable> streams = ConcurrentHashMap.newKeySet();
    private final Set<CallScope> inFlight = ConcurrentHashMap.newKeySet();
    private final Consumer<DockerHostConnection> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    DockerHostConnection(HostUrl url, SSLContext ssl, Duration connectTimeout, Duration callTimeout,
                         Duration pullTimeout, int maxConcurrentCalls, Consumer<DockerHostConnection> onClose) {
        this.url = url;
        this.callTimeout = callTimeout;
        this.pullTimeout = pullTimeout;
        this.onClose = onClose;
        // calls + event streams + pulls share the pool of HTTP connections
        this.transport = new DockerTransport(url, ssl, connectTimeout, callTimeout, maxConcurrentCalls * 2 + 16);
        this.client = DockerClientImpl.getInstance(new ClientConfig(url.dockerUri()), transport);
        int id = IDS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "dockerera-docker-" + id + "-" + threads.incrementAndGet() + " " + url.url());
            t.setDaemon(true);
            return t;
        };
        this.calls = new ThreadPoolExecutor(maxConcurrentCalls, maxConcurrentCalls, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxConcurrentCalls * 32), factory, new ThreadPoolExecutor.AbortPolicy());
        this.calls.allowCoreThreadTimeOut(true);
    }

    String url() {
        return url.url();
    }

    // --- calls --------------------------------------------------------------------------------------------------

    @Override
    public EngineInfo info() {
        return call("read engine info", null, callTimeout, c -> {
            Info info = c.infoCmd().exec();
            Version version = c.versionCmd().exec();
            return new EngineInfo(info.getId(), info.getName(), info.getServerVersion(), version.getApiVersion(),
                    orZero(info.getNCPU()), info.getMemTotal() == null ? 0L : info.getMemTotal(),
                    orZero(info.getContainersRunning()), orZero(info.getContainers()));
        });
    }

    @Override
    public List<ContainerInfo> containers(Map<String, String> labels, boolean all) {
        return call("list containers", null, callTimeout, c -> {
            ListContainersCmd cmd = c.listContainersCmd().withShowAll(all);
            if (labels != null && !labels.isEmpty()) {
                cmd.withLabelFilter(labels);
            }
            List<ContainerInfo> out = new ArrayList<>();
            for (Container container : cmd.exec()) {
                out.add(toInfo(container));
            }
            return out;
        });
    }

    @Override
    public String create(ContainerSpec spec) {
        validate(spec);
        String subject = "image " + spec.image();
        return call("create a container from " + spec.image(), subject, callTimeout, c -> {
            CreateContainerCmd cmd = c.createContainerCmd(spec.image())
                    .withLabels(spec.labels())
                    .withEnv(env(spec.env()));
            if (spec.name() != null && !spec.name().isBlank()) {
                cmd.withName(spec.name());
            }
            if (!spec.entrypoint().isEmpty()) {
                cmd.withEntrypoint(spec.entrypoint());
            }
            if (!spec.command().isEmpty()) {
                cmd.withCmd(spec.command());
            }
            HostConfig host = HostConfig.newHostConfig();
            if (spec.containerPort() != null) {
                ExposedPort port = ExposedPort.tcp(spec.containerPort());
                cmd.withExposedPorts(port);
                Ports.Binding binding = spec.hostIp() != null && !spec.hostIp().isBlank()
                        ? Ports.Binding.bindIp(spec.hostIp())
                        : Ports.Binding.empty();
                host.withPortBindings(new PortBinding(binding, port));
            }
            if (spec.memoryBytes() != null) {
                host.withMemory(spec.memoryBytes());
            }
            if (spec.cpus() != null) {
                host.withNanoCPUs(Math.round(spec.cpus() * 1_000_000_000d));
            }
            if (spec.restartPolicy() != null && !spec.restartPolicy().isBlank()) {
                host.withRestartPolicy(RestartPolicy.parse(spec.restartPolicy()));
            }
            return cmd.withHostConfig(host).exec().getId();
        });
    }

    @Override
    public void start(String containerId) {
        requireId(containerId);
        call("start container " + containerId, "container " + containerId, callTimeout, c -> {
            try {
                c.startContainerCmd(containerId).exec();
            } catch (NotModifiedException alreadyRunning) {
                // started already
            }
            return null;
        });
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        requireId(containerId);
        Duration grace = timeout == null || timeout.isNegative() ? Duration.ofSeconds(10) : timeout;
        int seconds = (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000);
        // the engine answers only after the container is gone: SIGTERM, grace, SIGKILL
        Duration bound = callTimeout.plusSeconds(seconds);
        call("stop container " + containerId, "container " + containerId, bound, c -> {
            try {
                c.stopContainerCmd(containerId).withTimeout(seconds).exec();
            } catch (NotModifiedException alreadyStopped) {
                // stopped already
            }
            return null;
        });
    }

    @Override
    public void remove(String containerId, boolean force) {
        requireId(containerId);
        call("remove container " + containerId, null, callTimeout, c -> {
            try {
                c.removeContainerCmd(containerId).withForce(force).withRemoveVolumes(true).exec();
            } catch (NotFoundException absent) {
                // gone already
            } catch (ConflictException e) {
                if (!String.valueOf(e.getMessage()).contains("already in progress")) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public List<String> logs(String containerId, int tail) {
        requireId(containerId);
        return call("read the logs of container " + containerId, "container " + containerId, callTimeout, c -> {
            List<String> lines = new ArrayList<>();
            StringBuilder partial = new StringBuilder();
            try (var callback = c.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                    .withTail(Math.max(1, tail)).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<
                            com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame frame) {
                            synchronized (lines) {
                                partial.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                                int nl;
                                while ((nl = partial.indexOf("\n")) >= 0) {
                                    lines.add(partial.substring(0, nl));
                                    partial.delete(0, nl + 1);
                                }
                            }
                        }
                    })) {
                callback.awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            synchronized (lines) {
                if (partial.length() > 0) {
                    lines.add(partial.toString());
                }
                return List.copyOf(lines.size() > tail ? lines.subList(lines.size() - tail, lines.size()) : lines);
            }
        });
    }

    @Override
    public List<LogLine> logs(String containerId, LogOptions options) {
        requireId(containerId);
        LogOptions o = options == null ? LogOptions.ALL : options;
        if (o.tail() != null && o.tail() == 0) {
            return List.of();
        }
        return call("read the logs of container " + containerId, "container " + containerId, callTimeout, c -> {
            List<LogLine> lines = new ArrayList<>();
            TimestampedLines parser = new TimestampedLines();
            try (var callback = logCommand(c, containerId, o, false).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    List<LogLine> parsed = parser.accept(frame.getStreamType() == StreamType.STDERR,
                            frame.getPayload());
                    synchronized (lines) {
                        lines.addAll(parsed);
                    }
                }
            })) {
                callback.awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            synchronized (lines) {
                lines.addAll(parser.flush());
                // the engine copies stdout and stderr into its log separately: order by time (stable for equal ones)
                List<LogLine> selected = lines.stream().filter(l -> o.since() == null || !l.time().isBefore(o.since()))
                        .sorted(java.util.Comparator.comparing(LogLine::time)).toList();
                int tail = o.tail() == null ? selected.size() : o.tail();
                return List.copyOf(selected.size() > tail
                        ? selected.subList(selected.size() - tail, selected.size()) : selected);
            }
        });
    }

    /** {@code since} is whole seconds on the wire: the caller filters the lines of that second itself. */
    private static com.github.dockerjava.api.command.LogContainerCmd logCommand(DockerClient c, String containerId,
                                                                               LogOptions o, boolean follow) {
        var cmd = c.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTimestamps(true)
                .withFollowStream(follow);
        if (o.tail() != null) {
            cmd.withTail(o.tail());
        } else {
            cmd.withTailAll();
        }
        if (o.since() != null && o.since().getEpochSecond() > 0) {
            cmd.withSince((int) Math.min(Integer.MAX_VALUE, o.since().getEpochSecond()));
        }
        return cmd;
    }

    @Override
    public AutoCloseable followLogs(String containerId, LogOptions options, LogFollower follower) {
        requireId(containerId);
        ensureOpen();
        LogOptions o = options == null ? LogOptions.ALL : options;
        LogStream stream = new LogStream(containerId, o, follower);
        streams.add(stream);
        try (CallScope.Binding ignored = stream.scope.bind()) {
            logCommand(client, containerId, o, true).exec(stream);
        } catch (RuntimeException e) {
            stream.fail(e);
            return stream;
        }
        CompletableFuture.delayedExecutor(callTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!stream.started) {
                stream.fail(Failures.deadline(url.url(), "open the log stream of container " + containerId,
                        callTimeout));
            }
        });
        return stream;
    }

    @Override
    public ContainerStats stats(String containerId) {
        requireId(containerId);
        // the engine answers after two samples of its collector (one second apart), for a CPU figure over that second
        Duration bound = callTimeout.plusSeconds(3);
        return call("read the stats of container " + containerId, "container " + containerId, bound, c -> {
            CompletableFuture<Statistics> first = new CompletableFuture<>();
            try (var callback = c.statsCmd(containerId).withNoStream(true).exec(new ResultCallback.Adapter<Statistics>() {
                @Override
                public void onNext(Statistics s) {
                    first.complete(s);
                }

                @Override
                public void onError(Throwable t) {
                    first.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    first.complete(null);
                    super.onComplete();
                }
            })) {
                return toStats(first.get(bound.toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(cause);
            } catch (TimeoutException e) {
                throw new java.io.UncheckedIOException(new java.net.SocketTimeoutException("no stats sample"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** What {@code docker stats} shows; null for a container that is not running (the engine sends zeros). */
    static ContainerStats toStats(Statistics s) {
        if (s == null || s.getCpuStats() == null || s.getMemoryStats() == null || s.getRead() == null
                || s.getRead().startsWith("0001-") || s.getMemoryStats().getUsage() == null) {
            return null;
        }
        CpuStatsConfig cpu = s.getCpuStats();
        CpuStatsConfig pre = s.getPreCpuStats();
        double percent = 0;
        if (pre != null && cpu.getCpuUsage() != null && pre.getCpuUsage() != null && cpu.getSystemCpuUsage() != null
                && pre.getSystemCpuUsage() != null) {
            long cpuDelta = orZero(cpu.getCpuUsage().getTotalUsage()) - orZero(pre.getCpuUsage().getTotalUsage());
            long systemDelta = cpu.getSystemCpuUsage() - pre.getSystemCpuUsage();
            long online = cpu.getOnlineCpus() != null && cpu.getOnlineCpus() > 0 ? cpu.getOnlineCpus()
                    : cpu.getCpuUsage().getPercpuUsage() != null ? cpu.getCpuUsage().getPercpuUsage().size() : 1;
            if (systemDelta > 0 && cpuDelta > 0 && pre.getSystemCpuUsage() > 0) {
                percent = (double) cpuDelta / systemDelta * online * 100.0;
            }
        }
        MemoryStatsConfig mem = s.getMemoryStats();
        long usage = mem.getUsage();
        long reclaimable = 0;
        if (mem.getStats() != null) {
            // cgroup v1: total_inactive_file; v2: inactive_file; older engines: cache
            Long inactive = mem.getStats().getTotalInactiveFile() != null ? mem.getStats().getTotalInactiveFile()
                    : mem.getStats().getInactiveFile();
            reclaimable = inactive != null ? inactive : orZero(mem.getStats().getCache());
        }
        long used = reclaimable < usage ? usage - reclaimable : usage;
        Instant read;
        try {
            read = Instant.parse(s.getRead());
        } catch (java.time.format.DateTimeParseException e) {
            read = Instant.now();
        }
        return new ContainerStats(read, Math.round(percent * 100) / 100.0, used, orZero(mem.getLimit()));
    }

    @Override
    public Integer awaitExit(String containerId, Duration timeout) {
        requireId(containerId);
        Duration wait = timeout == null || timeout.isNegative() ? Duration.ZERO : timeout;
        Duration bound = callTimeout.plus(wait);
        return call("wait for container " + containerId, "container " + containerId, bound, c -> {
            CompletableFuture<Integer> code = new CompletableFuture<>();
            // not docker-java's WaitContainerResultCallback: its template logs a 404 as an error before we map it
            ResultCallback<WaitResponse> callback = new ResultCallback<>() {
                private volatile Closeable stream;

                @Override
                public void onStart(Closeable closeable) {
                    stream = closeable;
                }

                @Override
                public void onNext(WaitResponse r) {
                    code.complete(r.getStatusCode());
                }

                @Override
                public void onError(Throwable t) {
                    code.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    code.complete(null);
                }

                @Override
                public void close() throws IOException {
                    Closeable s = stream;
                    if (s != null) {
                        s.close();
                    }
                }
            };
            try (callback) {
                c.waitContainerCmd(containerId).exec(callback);
                return code.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return null; // still running
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static long orZero(Long l) {
        return l == null ? 0L : l;
    }

    @Override
    public void removeImage(String image) {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("image is required");
        }
        call("remove image " + image, "image " + image, callTimeout, c -> {
            try {
                c.removeImageCmd(image).exec();
            } catch (NotFoundException absent) {
                // gone already
            }
            return null;
        });
    }

    @Override
    public String pull(String image, RegistryCredentials credentials) {
        ImageRef ref = ImageRef.parse(image);
        ensureOpen();
        String operation = "pull " + image;
        CallScope scope = new CallScope(pullTimeout);
        PullProgress progress = new PullProgress();
        inFlight.add(scope);
        try (CallScope.Binding ignored = scope.bind()) {
            var cmd = client.pullImageCmd(ref.repository()).withTag(ref.tagOrDigest());
            if (credentials != null && credentials.username() != null) {
                cmd.withAuthConfig(new AuthConfig()
                        .withUsername(credentials.username())
                        .withPassword(credentials.password())
                        .withRegistryAddress(credentials.server() != null ? credentials.server() : registryOf(ref)));
            }
            cmd.exec(progress);
        } catch (RuntimeException e) {
            scope.abort();
            inFlight.remove(scope);
            throw Failures.map(url.url(), operation, "image " + image, pullTimeout, e);
        }
        try {
            if (!progress.done.await(pullTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ProviderException.unreachable(url.url(),
                        "the pull of " + image + " did not finish within " + pullTimeout.toMillis() + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderException.unreachable(url.url(), "the pull of " + image + " was interrupted", e);
        } finally {
            scope.abort();
            inFlight.remove(scope);
            progress.close();
        }
        if (progress.error != null) {
            throw Failures.map(url.url(), operation, "image " + image, pullTimeout, progress.error);
        }
        if (progress.errorMessage != null) {
            String m = progress.errorMessage;
            String lower = m.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("not found") || lower.contains("manifest unknown") || lower.contains("does not exist")) {
                throw ProviderException.notFound(url.url(), "image " + image + " (" + m + ")", null);
            }
            throw ProviderException.refused(url.url(), operation + ": " + m, null);
        }
        List<String> repoDigests = call("inspect image " + image, "image " + image, callTimeout,
                c -> c.inspectImageCmd(image).exec().getRepoDigests());
        return repoDigest(ref, progress.digest, repoDigests);
    }

    /** The {@code repository@sha256:…} for what was pulled: the one the pull reported, else the one for its repository. */
    static String repoDigest(ImageRef ref, String pulledDigest, List<String> repoDigests) {
        List<String> digests = repoDigests == null ? List.of() : repoDigests;
        if (pulledDigest != null) {
            String candidate = ref.repository() + "@" + pulledDigest;
            if (digests.isEmpty() || digests.contains(candidate)) {
                return candidate;
            }
        }
        if (ref.digest() != null) {
            return ref.repository() + "@" + ref.digest();
        }
        for (String d : digests) {
            if (d.startsWith(ref.repository() + "@")) {
                return d;
            }
        }
        return pulledDigest != null ? ref.repository() + "@" + pulledDigest : null;
    }

    @Override
    public AutoCloseable events(Consumer<ContainerEvent> listener, Consumer<Throwable> onError) {
        ensureOpen();
        EventStream stream = new EventStream(listener, onError);
        streams.add(stream);
        try (CallScope.Binding ignored = stream.scope.bind()) {
            client.eventsCmd().withEventTypeFilter(EventType.CONTAINER).exec(stream);
        } catch (RuntimeException e) {
            stream.fail(e);
            return stream;
        }
        // the stream's reads are unbounded (events may be rare); its start is not
        CompletableFuture.delayedExecutor(callTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!stream.started) {
                stream.fail(Failures.deadline(url.url(), "open the event stream", callTimeout));
            }
        });
        return stream;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable s : List.copyOf(streams)) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("closing a stream of {}", url, e);
            }
        }
        for (CallScope scope : List.copyOf(inFlight)) {
            scope.abort();
        }
        calls.shutdownNow();
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing the client of {}", url, e);
        }
        onClose.accept(this);
    }

    // --- the bounded call ---------------------------------------------------------------------------------------

    /**
     * Runs {@code op} on this connection's pool and waits at most {@code deadline}. The transport bounds each
     * socket read by the same amount; on expiry the call's requests are aborted and the worker interrupted.
     */
    private <T> T call(String operation, String subject, Duration deadline, Function<DockerClient, T> op) {
        ensureOpen();
        CallScope scope = new CallScope(deadline);
        inFlight.add(scope);
        try {
            return await(operation, subject, deadline, scope, op);
        } finally {
            inFlight.remove(scope);
        }
    }

    private <T> T await(String operation, String subject, Duration deadline, CallScope scope,
                        Function<DockerClient, T> op) {
        Future<T> future;
        try {
            future = calls.submit(() -> {
                try (CallScope.Binding ignored = scope.bind()) {
                    return op.apply(client);
                }
            });
        } catch (RejectedExecutionException e) {
            if (closed.get()) {
                throw ProviderException.unreachable(url.url(), "the connection is closed", e);
            }
            throw ProviderException.unreachable(url.url(), "too many calls waiting for this host", e);
        }
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            scope.abort();
            future.cancel(true);
            throw Failures.deadline(url.url(), operation, deadline);
        } catch (InterruptedException e) {
            scope.abort();
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw ProviderException.unreachable(url.url(), operation + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DockereraException de) {
                throw de;
            }
            if (cause instanceof IllegalArgumentException iae && !(Failures.unwrap(cause) instanceof IOException)) {
                throw DockereraException.invalid("invalid-container-spec", iae.getMessage());
            }
            throw Failures.map(url.url(), operation, subject, deadline, cause);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw ProviderException.unreachable(url.url(), "the connection is closed", null);
        }
    }

    // --- mapping ------------------------------------------------------------------------------------------------

    private static ContainerInfo toInfo(Container c) {
        String name = c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0] : null;
        if (name != null && name.startsWith("/")) {
            name = name.substring(1);
        }
        List<PortMapping> ports = new ArrayList<>();
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (p.getPublicPort() != null && p.getPrivatePort() != null) {
                    ports.add(new PortMapping(p.getIp(), p.getPublicPort(), p.getPrivatePort()));
                }
            }
        }
        Instant created = c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated());
        return new ContainerInfo(c.getId(), name, c.getImage(), c.getState(), c.getLabels(), ports, created,
                exitCode(c.getStatus()));
    }

    private static final java.util.regex.Pattern EXITED = java.util.regex.Pattern.compile("^Exited \\((-?\\d+)\\)");

    /** The code in a listing status such as {@code Exited (137) 5 seconds ago}. */
    static Integer exitCode(String status) {
        if (status == null) {
            return null;
        }
        java.util.regex.Matcher m = EXITED.matcher(status);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    static ContainerEvent toEvent(Event e) {
        String id = e.getActor() != null && e.getActor().getId() != null ? e.getActor().getId() : e.getId();
        String action = e.getAction() != null ? e.getAction() : e.getStatus();
        Map<String, String> attributes = e.getActor() != null ? e.getActor().getAttributes() : null;
        Instant time = e.getTimeNano() != null ? Instant.ofEpochSecond(0, e.getTimeNano())
                : e.getTime() != null ? Instant.ofEpochSecond(e.getTime()) : Instant.now();
        return new ContainerEvent(id, action, attributes, time);
    }

    private static List<String> env(Map<String, String> env) {
        List<String> out = new ArrayList<>(env.size());
        new TreeMap<>(env).forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static void validate(ContainerSpec spec) {
        if (spec.image() == null || spec.image().isBlank()) {
            throw DockereraException.invalid("invalid-container-spec", "a container needs an image");
        }
        if (spec.containerPort() != null && (spec.containerPort() < 1 || spec.containerPort() > 65535)) {
            throw DockereraException.invalid("invalid-container-spec",
                    "container port " + spec.containerPort() + " is not in 1-65535");
        }
        if (spec.memoryBytes() != null && spec.memoryBytes() < 6L * 1024 * 1024) {
            throw DockereraException.invalid("invalid-container-spec",
                    "memory limit " + spec.memoryBytes() + " bytes is below Docker's minimum of 6 MiB");
        }
        if (spec.cpus() != null && !(spec.cpus() > 0)) {
            throw DockereraException.invalid("invalid-container-spec", "cpus must be above 0, was " + spec.cpus());
        }
        if (spec.restartPolicy() != null && !spec.restartPolicy().isBlank()) {
            try {
                RestartPolicy.parse(spec.restartPolicy());
            } catch (IllegalArgumentException e) {
                throw DockereraException.invalid("invalid-container-spec", "restart policy '" + spec.restartPolicy()
                        + "' is not one of no, on-failure[:N], always, unless-stopped");
            }
        }
        for (String key : spec.env().keySet()) {
            if (key.isEmpty() || key.contains("=")) {
                throw DockereraException.invalid("invalid-container-spec",
                        "environment variable name '" + key + "' is empty or contains '='");
            }
        }
    }

    private static void requireId(String containerId) {
        if (containerId == null || containerId.isBlank() || containerId.contains("/")) {
            throw DockereraException.invalid("invalid-container-id",
                    "container id '" + containerId + "' is not valid");
        }
    }

    private static String registryOf(ImageRef ref) {
        int slash = ref.repository().indexOf('/');
        if (slash > 0) {
            String first = ref.repository().substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return first;
            }
        }
        return "https://index.docker.io/v1/";
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    // --- streams ------------------------------------------------------------------------------------------------

    /** Collects a pull's progress: the digest it reports and the first error in the stream. */
    private static final class PullProgress implements ResultCallback<PullResponseItem> {
        final CountDownLatch done = new CountDownLatch(1);
        volatile Throwable error;
        volatile String errorMessage;
        volatile String digest;
        private volatile Closeable stream;

        @Override
        public void onStart(Closeable closeable) {
            this.stream = closeable;
        }

        @Override
        public void onNext(PullResponseItem item) {
            if (item.isErrorIndicated() && errorMessage == null) {
                errorMessage = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError();
            }
            String status = item.getStatus();
            if (status != null && status.startsWith("Digest: ")) {
                digest = status.substring("Digest: ".length()).trim();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            if (error == null) {
                error = throwable;
            }
            done.countDown();
        }

        @Override
        public void onComplete() {
            done.countDown();
        }

        @Override
        public void close() {
            Closeable s = stream;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException | RuntimeException e) {
                    // closing anyway
                }
            }
            done.countDown();
        }
    }

    /** One subscription to {@code /events?type=container}; reports its end exactly once unless closed first. */
    /**
     * What every followed stream (events, a container's log) shares: its call scope, its registration among the
     * connection's open streams, and ending once — by {@link #close} or by the subclass's failure/completion — which
     * aborts the call and closes the stream, also when the stream starts after it ended.
     */
    private abstract class FollowedStream<T> implements ResultCallback<T> {
        final CallScope scope = new CallScope(Duration.ZERO);
        final AtomicBoolean done = new AtomicBoolean();
        volatile boolean started;
        private volatile Closeable stream;

        @Override
        public void onStart(Closeable closeable) {
            stream = closeable;
            started = true;
            if (done.get()) {
                closeStream();
            }
        }

        @Override
        public void close() {
            if (done.compareAndSet(false, true)) {
                release();
            }
        }

        void release() {
            streams.remove(this);
            scope.abort();
            closeStream();
        }

        private void closeStream() {
            Closeable s = stream;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException | RuntimeException e) {
                    // closing anyway
                }
            }
        }
    }

    private final class EventStream extends FollowedStream<Event> {
        private final Consumer<ContainerEvent> listener;
        private final Consumer<Throwable> onError;

        EventStream(Consumer<ContainerEvent> listener, Consumer<Throwable> onError) {
            this.listener = listener;
            this.onError = onError;
        }

        @Override
        public void onNext(Event event) {
            if (done.get() || event.getType() != null && event.getType() != EventType.CONTAINER) {
                return;
            }
            try {
                listener.accept(toEvent(event));
            } catch (RuntimeException e) {
                LOG.warn("an event listener of {} failed on {}", url, event.getAction(), e);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            fail(throwable);
        }

        @Override
        public void onComplete() {
            fail(ProviderException.unreachable(url.url(), "the event stream ended", null));
        }

        void fail(Throwable cause) {
            if (done.compareAndSet(false, true)) {
                release();
                DockereraException mapped = Failures.map(url.url(), "stream events", null, null, cause);
                try {
                    onError.accept(mapped);
                } catch (RuntimeException e) {
                    LOG.warn("the event error handler of {} failed", url, e);
                }
            }
        }

    }

    /** One followed container log; reports its end exactly once unless closed first. */
    private final class LogStream extends FollowedStream<Frame> {
        private final String containerId;
        private final LogOptions options;
        private final LogFollower follower;
        private final TimestampedLines parser = new TimestampedLines();

        LogStream(String containerId, LogOptions options, LogFollower follower) {
            this.containerId = containerId;
            this.options = options;
            this.follower = follower;
        }

        @Override
        public void onNext(Frame frame) {
            if (done.get()) {
                return;
            }
            deliver(parser.accept(frame.getStreamType() == StreamType.STDERR, frame.getPayload()));
        }

        private void deliver(List<LogLine> lines) {
            for (LogLine l : lines) {
                if (options.since() != null && l.time().isBefore(options.since())) {
                    continue;
                }
                try {
                    follower.line(l);
                } catch (RuntimeException e) {
                    LOG.warn("a log follower of container {} on {} failed", containerId, url, e);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            fail(throwable);
        }

        @Override
        public void onComplete() {
            if (done.compareAndSet(false, true)) {
                deliver(parser.flush());
                release();
                try {
                    follower.ended(null);
                } catch (RuntimeException e) {
                    LOG.warn("a log follower of container {} on {} failed", containerId, url, e);
                }
            }
        }

        void fail(Throwable cause) {
            if (done.compareAndSet(false, true)) {
                release();
                DockereraException mapped = Failures.map(url.url(), "follow the logs of container " + containerId,
                        "container " + containerId, null, cause);
                try {
                    follower.ended(mapped);
                } catch (RuntimeException e) {
                    LOG.warn("a log follower of container {} on {} failed", containerId, url, e);
                }
            }
        }

    }
}
