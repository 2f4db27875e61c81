package org.dockerera.spi.scheduler;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The reasons of every rejected host of a {@link PlacementPlan}, by host id in id order: an immutable map.
 * <p>
 * A scheduler may hand it over {@linkplain #lazy lazily}: on a large cluster most plans are carried out without
 * anyone reading why thousands of hosts were full, so the sentences are only written on first read (from the same
 * immutable snapshots, so they are the same). {@link #size()} is known without that.
 */
public final class Rejections extends AbstractMap<String, List<String>> {
    private static final Rejections NONE = new Rejections(0, null, Collections.emptySortedMap());

    private final int size;
    private Supplier<? extends Map<String, List<String>>> compute;
    private volatile SortedMap<String, List<String>> map;

    private Rejections(int size, Supplier<? extends Map<String, List<String>>> compute,
                       SortedMap<String, List<String>> map) {
        this.size = size;
        this.compute = compute;
        this.map = map;
    }

    /** No rejected host. */
    public static Rejections none() {
        return NONE;
    }

    /** An immutable, id-ordered copy of {@code reasons}. */
    public static Rejections of(Map<String, List<String>> reasons) {
        if (reasons instanceof Rejections r) {
            return r;
        }
        if (reasons.isEmpty()) {
            return NONE;
        }
        SortedMap<String, List<String>> copy = sortedCopy(reasons);
        return new Rejections(copy.size(), null, copy);
    }

    /**
     * {@code size} hosts' reasons, computed by {@code compute} (pure: same answer every time) on first read. A
     * {@code compute} answering a different number of hosts is a bug, reported when it runs.
     */
    public static Rejections lazy(int size, Supplier<? extends Map<String, List<String>>> compute) {
        if (size == 0) {
            return NONE;
        }
        return new Rejections(size, Objects.requireNonNull(compute, "compute"), null);
    }

    private SortedMap<String, List<String>> map() {
        SortedMap<String, List<String>> m = map;
        if (m == null) {
            synchronized (this) {
                m = map;
                if (m == null) {
                    m = sortedCopy(compute.get());
                    if (m.size() != size) {
                        throw new IllegalStateException("rejections announced " + size + " hosts but explained " + m.size());
                    }
                    map = m;
                    compute = null;
                }
            }
        }
        return m;
    }

    private static SortedMap<String, List<String>> sortedCopy(Map<String, List<String>> reasons) {
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        reasons.forEach((host, why) -> sorted.put(Objects.requireNonNull(host), List.copyOf(why)));
        return Collections.unmodifiableSortedMap(sorted);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public List<String> get(Object hostId) {
        return map().get(hostId);
    }

    @Override
    public boolean containsKey(Object hostId) {
        return map().containsKey(hostId);
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        return map().entrySet();
    }
}
