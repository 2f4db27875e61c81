package org.dockerera.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator route shown in docs/events.md does what the page says. */
class OperatorRouteExampleTest {
    private static final Path DOC = Path.of("../../docs/events.md");

    @TempDir
    Path dir;
    private CamelRuntime runtime;
    private CamelEventBus bus;

    @BeforeEach
    void start() throws Exception {
        runtime = new CamelRuntime();
        runtime.start();
        bus = new CamelEventBus(runtime.context(), 100);
    }

    @AfterEach
    void stop() {
        bus.close();
        runtime.stop();
    }

    @Test
    void theYamlExampleAppendsOnlyHostDownEventsAsJsonLines() throws Exception {
        String yaml = firstYamlBlock(Files.readString(DOC)).replace("/var/log/dockerera", dir.toString());
        PluginHelper.getRoutesLoader(runtime.context())
                .loadRoutes(ResourceHelper.fromString("host-down-audit.yaml", yaml));
        assertThat(runtime.context().getRoute("host-down-audit")).isNotNull();

        bus.publish(Event.host(EventTypes.HOST_UP, "h1", "answers again"));
        bus.publish(Event.host(EventTypes.HOST_DOWN, "h1", "no answer for 10 s"));
        bus.publish(Event.host(EventTypes.HOST_ADDED, "h2", "tcp://127.0.0.3:2375"));
        bus.publish(Event.host(EventTypes.HOST_DOWN, "h2", "connection refused"));

        Path file = dir.resolve("host-down.jsonl");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 2);
        List<Event> lines = Files.readAllLines(file).stream().map(EventJson::read).toList();
        assertThat(lines).extracting(Event::type).containsOnly("host.down");
        assertThat(lines).extracting(Event::hostId).containsExactlyInAnyOrder("h1", "h2");
    }

    private static String firstYamlBlock(String markdown) {
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        assertThat(m.find()).as("a ```yaml block in " + DOC).isTrue();
        return m.group(1);
    }
}
