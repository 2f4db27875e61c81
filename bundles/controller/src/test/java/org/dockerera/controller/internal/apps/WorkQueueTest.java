package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
    private WorkQueue queue;

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void passesOfOneKeyNeverOverlapAndAKickDuringAPassRunsOneMorePass() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger passes = new AtomicInteger();
        CountDownLatch inFirstPass = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        queue = new WorkQueue(key -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            if (passes.incrementAndGet() == 1) {
                inFirstPass.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            running.decrementAndGet();
            return null;
        }, 4);
        queue.kick("a");
        assertThat(inFirstPass.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 20; i++) {
            queue.kick("a"); // all folded into one more pass
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() == 2 && running.get() == 0);
        assertThat(maxRunning.get()).isEqualTo(1);
        queue.kick("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() == 3);
    }

    @Test
    void differentKeysRunInParallel() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(2);
        queue = new WorkQueue(key -> {
            both.countDown();
            // each pass waits for the other one: only possible when they run at the same time
            if (both.await(10, TimeUnit.SECONDS)) {
                done.countDown();
            }
            return null;
        }, 2);
        queue.kick("a");
        queue.kick("b");
        assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPassRunsAgainWhenItAskedToAndAFailingPassIsRetried() {
        Map<String, List<Instant>> runs = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        queue = new WorkQueue(key -> {
            List<Instant> r = runs.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
            r.add(Instant.now());
            if (key.equals("flaky") && failures.getAndIncrement() < 2) {
                throw new IllegalStateException("store down");
            }
            return key.equals("timer") && r.size() < 3 ? Instant.now().plusMillis(50) : null;
        }, 2);
        queue.kick("timer");
        queue.kick("flaky");
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.getOrDefault("timer", List.of()).size() == 3
                && runs.getOrDefault("flaky", List.of()).size() == 3);
        List<Instant> flaky = runs.get("flaky");
        assertThat(Duration.between(flaky.get(1), flaky.get(2))).as("back-off doubles")
                .isGreaterThanOrEqualTo(Duration.between(flaky.get(0), flaky.get(1)));
    }
}
