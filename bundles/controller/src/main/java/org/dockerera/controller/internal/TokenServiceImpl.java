package org.dockerera.controller.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dockerera.api.DockereraException;
import org.dockerera.api.NewToken;
import org.dockerera.api.Token;
import org.dockerera.api.TokenScope;
import org.dockerera.api.TokenService;
import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.Watch;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens: 192 random bits each, only their SHA-256 stored under {@code tokens/<id>}. On first start (no token at
 * all in the store) an admin token is created and written once to {@code ${karaf.data}/dockerera/admin.token}.
 */
@Component(service = TokenService.class, configurationPid = ControllerConfig.PID)
public class TokenServiceImpl implements TokenService {
    static final String PREFIX = "tokens/";
    private static final Logger LOG = LoggerFactory.getLogger(TokenServiceImpl.class);
    private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private final ConfigStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, TokenRecord> byHash;
    private Watch watch;

    @Activate
    public TokenServiceImpl(@Reference(target = ConfigStore.ACTIVE) ConfigStore store, BundleContext context, ControllerConfig config) {
        this(store, Clock.systemUTC());
        Path file = config.adminTokenFile().isBlank()
                ? Path.of(Paths.data(context), "dockerera", "admin.token")
                : Path.of(config.adminTokenFile());
        bootstrapAdmin(file);
    }

    TokenServiceImpl(ConfigStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.watch = store.watch(PREFIX, store.revision(), new ChangeListener() {
            @Override
            public void onChange(org.dockerera.spi.store.Change change) {
                byHash = null;
            }

            @Override
            public void onResync(long revision) {
                byHash = null;
            }
        });
    }

    @Deactivate
    void deactivate() {
        if (watch != null) {
            watch.close();
        }
    }

    /** Creates the first admin token if the store holds none, and writes it (mode 0600) to {@code file}. */
    void bootstrapAdmin(Path file) {
        if (!store.list(PREFIX).isEmpty()) {
            return;
        }
        NewToken admin = create("admin", TokenScope.ADMIN);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, admin.token() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
        LOG.info("First start: admin token written to {} (mode 0600); create further tokens with dockerera:token-create", file);
    }

    @Override
    public NewToken create(String name, TokenScope scope) {
        Standby.refuse(leadership);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw DockereraException.invalid("invalid-token-name",
                    "token name must be 1-64 letters, digits, '.', '_', '@' or '-', got '" + name + "'");
        }
        if (scope == null) {
            throw DockereraException.invalid("invalid-scope", "scope is required: one of admin, deploy, read, router");
        }
        byte[] secretBytes = new byte[24];
        random.nextBytes(secretBytes);
        String secret = "dke_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        String id = Ids.newId("t");
        TokenRecord record = new TokenRecord(id, name, scope, hash(secret), clock.instant(), null);
        store.put(PREFIX + id, Json.write(record), ConfigStore.ABSENT);
        byHash = null;
        return new NewToken(id, name, scope, secret);
    }

    @Override
    public List<Token> list() {
        return store.list(PREFIX).stream()
                .map(e -> Json.read(e.value(), TokenRecord.class).toToken())
                .sorted(Comparator.comparing(Token::created))
                .toList();
    }

    @Override
    public void revoke(String id) {
        Standby.refuse(leadership);
        if (!store.delete(PREFIX + id, ConfigStore.ANY_VERSION)) {
            throw DockereraException.notFound("token-not-found", "no token with id '" + id + "'; list them with GET /api/tokens");
        }
        byHash = null;
    }

    @Override
    public Optional<Token> authenticate(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        String hash = hash(secret);
        Map<String, TokenRecord> index = byHash;
        if (index == null) {
            index = store.list(PREFIX).stream()
                    .map(e -> Json.read(e.value(), TokenRecord.class))
                    .collect(Collectors.toUnmodifiableMap(TokenRecord::hash, Function.identity()));
            byHash = index;
        }
        TokenRecord record = index.get(hash);
        if (record == null || !MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                record.hash().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (record.lastUsed() == null || record.lastUsed().plus(LAST_USED_GRANULARITY).isBefore(now)) {
            record = touch(record, now);
        }
        return Optional.of(record.toToken());
    }

    /** Records the use at minute granularity; a concurrent revoke wins (compare-and-set, never resurrects). */
    private TokenRecord touch(TokenRecord record, Instant now) {
        Optional<Entry> current = store.get(PREFIX + record.id());
        if (current.isEmpty()) {
            return record;
        }
        TokenRecord used = record.usedAt(now);
        try {
            store.put(PREFIX + record.id(), Json.write(used), current.get().version());
        } catch (CasConflictException raced) {
            return record;
        }
        return used;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @org.osgi.service.component.annotations.Reference(
            cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.dockerera.api.LeadershipService leadership;
}
