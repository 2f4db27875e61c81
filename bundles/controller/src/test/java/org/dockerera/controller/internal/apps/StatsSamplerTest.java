package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.dockerera.api.InstanceStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Instance stats: asked in parallel, bounded, one request per container at a time, answers reused while fresh. */
class StatsSamplerTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T15:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final CountDownLatch slowRelease = new CountDownLatch(1);

    @AfterEach
    void stop() {
        slowRelease.countDown();
        pool.shutdownNow();
    }

    private InstanceStats fetch(StatsSampler.Target t) {
        calls.computeIfAbsent(t.key(), k -> new AtomicInteger()).incrementAndGet();
        if (t.key().startsWith("slow")) {
            try {
                slowRelease.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t.key().startsWith("stopped")) {
            return null;
        }
        if (t.key().startsWith("broken")) {
            throw new IllegalStateException("host down");
        }
        return new InstanceStats(1.5, 1000 + calls.get(t.key()).get(), 4096);
    }

    private StatsSampler sampler(Duration wait) {
        return new StatsSampler(this::fetch, pool, clock, wait, Duration.ofSeconds(2), Duration.ofSeconds(15));
    }

    @Test
    void everyContainerIsAskedAndAnUnavailableOneHasNoStats() {
        Map<String, InstanceStats> stats = sampler(Duration.ofSeconds(10)).sample(List.of(
                new StatsSampler.Target("h1/c1", "i-1"), new StatsSampler.Target("stopped/c2", "i-2"),
                new StatsSampler.Target("broken/c3", "i-3")));

        assertThat(stats).containsOnlyKeys("i-1");
        assertThat(stats.get("i-1")).isEqualTo(new InstanceStats(1.5, 1001, 4096));
    }

    @Test
    void aContainerSlowerThanTheWaitHasNoStatsNowAndItsLateAnswerServesTheNextCall() {
        StatsSampler sampler = sampler(Duration.ofMillis(50));
        List<StatsSampler.Target> targets = List.of(new StatsSampler.Target("h1/c1", "i-1"),
                new StatsSampler.Target("slow/c2", "i-2"));

        assertThat(sampler.sample(targets)).containsOnlyKeys("i-1");
        assertThat(sampler.sample(targets)).as("still in flight: not asked twice").containsOnlyKeys("i-1");
        assertThat(calls.get("slow/c2")).hasValue(1);

        slowRelease.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> sampler.sample(targets).containsKey("i-2"));
        assertThat(calls.get("slow/c2")).hasValue(1);
    }

    @Test
    void aFreshAnswerIsReusedAnOlderOneServedWhileRefreshedAndAnOldOneNotServed() {
        StatsSampler sampler = sampler(Duration.ofSeconds(10));
        List<StatsSampler.Target> one = List.of(new StatsSampler.Target("h1/c1", "i-1"));

        assertThat(sampler.sample(one).get("i-1").memoryBytes()).isEqualTo(1001);
        now.set(now.get().plusSeconds(1));
        assertThat(sampler.sample(one).get("i-1").memoryBytes()).as("fresh: reused").isEqualTo(1001);
        assertThat(calls.get("h1/c1")).hasValue(1);

        now.set(now.get().plusSeconds(5));
        assertThat(sampler.sample(one).get("i-1").memoryBytes()).as("older: served, refreshed behind")
                .isEqualTo(1001);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get("h1/c1").get() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> sampler.sample(one).get("i-1").memoryBytes() == 1002);

        now.set(now.get().plusSeconds(60));
        assertThat(sampler.sample(one).get("i-1").memoryBytes()).as("too old: asked again and waited for")
                .isEqualTo(1003);
    }
}
