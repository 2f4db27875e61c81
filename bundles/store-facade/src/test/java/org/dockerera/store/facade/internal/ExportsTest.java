package org.dockerera.store.facade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.dockerera.api.DockereraException;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export from one real store, import into another: the same keys and bytes; damaged files import nothing. */
class ExportsTest {
    @TempDir
    Path dir;

    @Test
    void anExportImportsIntoAnotherStoreByteForByteAndADamagedOneImportsNothing() throws Exception {
        try (MVConfigStore a = new MVConfigStore(dir.resolve("a.mv"), Options.defaults());
             MVConfigStore b = new MVConfigStore(dir.resolve("b.mv"), Options.defaults())) {
            a.put("apps/web", "{\"name\":\"web\"}".getBytes(StandardCharsets.UTF_8), ConfigStore.ANY_VERSION);
            a.put("secrets/x", new byte[] {0, (byte) 0xff, 7}, ConfigStore.ANY_VERSION);
            a.put("tokens/\u00e9t\u00e9", new byte[0], ConfigStore.ANY_VERSION);
            StoreFacade from = new StoreFacade("embedded");
            from.switchTo(a);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(Exports.write(from, out, Clock.systemUTC())).isEqualTo(3);
            String json = out.toString(StandardCharsets.UTF_8);
            assertThat(json).contains("\"format\" : \"dockerera-store/1\"", "\"count\" : 3");

            StoreFacade to = new StoreFacade("embedded");
            to.switchTo(b);
            java.util.List<Entry> entries = Exports.read(new ByteArrayInputStream(out.toByteArray()));
            assertThat(Migrator.load(to, entries, Migrator.checksum(entries), false)).isEqualTo(3);
            assertThat(Migrator.checksum(b.list(""))).isEqualTo(Migrator.checksum(a.list("")));
            assertThat(b.get("secrets/x").orElseThrow().value()).containsExactly(0, (byte) 0xff, 7);

            DockereraException notEmpty = catchThrowableOfType(DockereraException.class,
                    () -> Migrator.load(to, entries, Migrator.checksum(entries), false));
            assertThat(notEmpty.slug()).isEqualTo("store-not-empty");

            String damaged = json.replace("\"count\" : 3", "\"count\" : 2");
            DockereraException bad = catchThrowableOfType(DockereraException.class,
                    () -> Exports.read(new ByteArrayInputStream(damaged.getBytes(StandardCharsets.UTF_8))));
            assertThat(bad.slug()).isEqualTo("invalid-store-export");
            String tampered = json.replaceFirst("\"value\" : \"[^\"]*\"", "\"value\" : \"AAAA\"");
            assertThat(catchThrowableOfType(DockereraException.class, () -> Exports.read(
                    new ByteArrayInputStream(tampered.getBytes(StandardCharsets.UTF_8)))).getMessage())
                    .contains("sha256");
            assertThat(catchThrowableOfType(DockereraException.class, () -> Exports.read(
                    new ByteArrayInputStream("{\"format\":".getBytes(StandardCharsets.UTF_8)))).slug())
                    .isEqualTo("invalid-store-export");
        }
    }
}
