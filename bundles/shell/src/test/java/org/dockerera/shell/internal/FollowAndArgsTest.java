package org.dockerera.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.DeployService;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Explanation;
import org.dockerera.api.events.Event;
import org.junit.jupiter.api.Test;

/** The pure parts of the shell: argument parsing and the follow loop (on a scripted deploy service). */
class FollowAndArgsTest {

    /** A deploy that advances one step per poll through the given statuses, with one more event each time. */
    static final class ScriptedDeploys implements DeployService {
        final List<DeployStatus> script;
        final String finalMessage;
        int polls;

        ScriptedDeploys(String finalMessage, DeployStatus... script) {
            this.script = List.of(script);
            this.finalMessage = finalMessage;
        }

        @Override
        public Deploy get(String id) {
            DeployStatus s = script.get(Math.min(polls, script.size() - 1));
            polls++;
            return new Deploy(id, "web.test", "deploy", s, 3, s == DeployStatus.FAILED || s == DeployStatus.SUCCEEDED
                    ? finalMessage : "release 3: 1/2 serving", Instant.EPOCH, null);
        }

        @Override
        public List<Event> events(String deployId) {
            List<Event> out = new ArrayList<>();
            for (int i = 0; i <= polls; i++) {
                out.add(new Event("step." + i, Instant.EPOCH, "web.test", null, 3, deployId, "step " + i));
            }
            return out;
        }

        @Override
        public Deploy deploy(String app, DeployRequest request, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Explanation explain(String app, DeployRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Deploy rollback(String app, Integer release, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Deploy scale(String app, int instances, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Deploy restart(String app, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Deploy> list(String app) {
            return List.of();
        }
    }

    private static Deploy started() {
        return new Deploy("d-1", "web.test", "deploy", DeployStatus.PENDING, null, "queued", Instant.EPOCH, null);
    }

    @Test
    void followingPrintsEveryEventOnceAndEndsWhenTheDeploySucceeds() {
        ScriptedDeploys deploys = new ScriptedDeploys("release 3 active", DeployStatus.PENDING, DeployStatus.RUNNING,
                DeployStatus.RUNNING, DeployStatus.SUCCEEDED);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Long> pauses = new ArrayList<>();
        Deploy d = Follow.follow(deploys, started(), new PrintStream(buf, true, StandardCharsets.UTF_8),
                p -> pauses.add(p.toMillis()));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(d.status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(pauses).containsExactly(250L, 250L, 250L);
        for (int i = 0; i < 4; i++) {
            assertThat(out).containsOnlyOnce("step." + i + "  step " + i);
        }
        assertThat(out).endsWith("deploy d-1 succeeded: release 3 (release 3 active)\n");
    }

    @Test
    void aFailedDeployEndsInOneLineError() {
        ScriptedDeploys deploys = new ScriptedDeploys("release 3 failed: i-1 exited\nlast log lines", DeployStatus.RUNNING,
                DeployStatus.FAILED);
        assertThatThrownBy(() -> Follow.follow(deploys, started(), new PrintStream(new ByteArrayOutputStream()),
                p -> { })).isInstanceOf(DockereraException.class)
                .hasMessage("deploy d-1 failed: release 3 failed: i-1 exited");
    }

    @Test
    void anInterruptStopsFollowingButNotTheDeploy() {
        ScriptedDeploys deploys = new ScriptedDeploys("x", DeployStatus.RUNNING);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Deploy d = Follow.follow(deploys, started(), new PrintStream(buf, true, StandardCharsets.UTF_8), p -> {
            throw new InterruptedException();
        });
        assertThat(d.status()).isEqualTo(DeployStatus.RUNNING);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("deploy d-1 goes on");
        assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    }

    @Test
    void assignmentsAndSizesParse() {
        assertThat(Args.assignments(List.of("A=1", "URL=http://x/?a=b", "EMPTY="))).isEqualTo(Map.of("A", "1", "URL",
                "http://x/?a=b", "EMPTY", ""));
        assertThatThrownBy(() -> Args.assignments(List.of("=x"))).isInstanceOf(DockereraException.class);
        assertThatThrownBy(() -> Args.assignments(List.of("NOEQUALS"))).isInstanceOf(DockereraException.class);
        assertThat(Args.bytes("256m")).isEqualTo(256L << 20);
        assertThat(Args.bytes("1g")).isEqualTo(1L << 30);
        assertThat(Args.bytes("1.5GiB")).isEqualTo(3L << 29);
        assertThat(Args.bytes("4096")).isEqualTo(4096L);
        assertThat(Args.bytes(null)).isNull();
        assertThatThrownBy(() -> Args.bytes("lots")).isInstanceOf(DockereraException.class);
        assertThatThrownBy(() -> Args.bytes("-1m")).isInstanceOf(DockereraException.class);
    }
}
