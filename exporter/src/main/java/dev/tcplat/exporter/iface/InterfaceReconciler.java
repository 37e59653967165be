package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.lifecycle.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the probe attached to exactly the selected interfaces while they come and go: a new
 * matching interface is attached, a vanished one released, a re-created one (new index)
 * attached again, a renamed one kept or released by its new name.
 *
 * <p>How: a netlink socket subscribed to link changes wakes one thread, which then lists the
 * interfaces afresh and compares the selection with what is attached, by interface index. A
 * change is acted on within milliseconds; a pass every {@value #FULL_PASS_SECONDS} s regardless
 * retries failed attachments and covers anything a notification could not say. Acting on a fresh
 * list, never on the notification's content, means a lost or reordered notification costs nothing.
 *
 * <p>Threading follows the shim's rule that one thread attaches and detaches: {@link #start}
 * makes the first pass on the caller's thread, then hands over to the reconciler thread;
 * {@link #close} joins that thread before it detaches everything itself.
 *
 * <p>The probe and rtnetlink are reached through {@link ProgramAttacher} and {@link LinkSource},
 * and time through a nanosecond clock, so that the rules above are unit-tested with fakes.
 */
public final class InterfaceReconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InterfaceReconciler.class);
    /** How often the thread looks up from waiting, to notice {@link #close}. */
    private static final int WAIT_MS = 250;
    static final int FULL_PASS_SECONDS = 10;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(60);

    private final ProgramAttacher attacher;
    private final LinkSource links;
    private final InterfaceSelector selector;
    private final AttachMode requested;
    /** {@link System#nanoTime} but in tests. */
    private final LongSupplier clock;
    /** By interface index: the index, not the name, identifies a device. */
    private final Map<Integer, Attached> attached = new LinkedHashMap<>();
    private final Map<Integer, Failure> failures = new HashMap<>();
    private volatile List<InterfaceAttachment> snapshot = List.of();
    private volatile boolean running;
    private boolean fallbackReported;
    private String lastLoopError = "";
    private long nextFullPass;
    private Thread thread;
    private boolean closed;

    private record Attached(String name, String mode) {}

    private record Failure(String name, String message, long retryAtNanos, Duration delay) {}

    InterfaceReconciler(ProgramAttacher attacher, LinkSource links, InterfaceSelector selector, AttachMode requested,
            LongSupplier clock) {
        this.attacher = attacher;
        this.links = links;
        this.selector = selector;
        this.requested = requested;
        this.clock = clock;
    }

    /**
     * Attaches to every interface selected now, then follows changes on a thread of its own.
     *
     * @throws ProbeException if an interface selected now cannot be attached: a start that
     *     silently watches less than asked would hide the problem
     */
    public static InterfaceReconciler start(Probe probe, InterfaceSelector selector, AttachMode requested)
            throws ProbeException {
        // Listening starts before the first list, so no change can slip in between.
        return start(ProgramAttacher.of(probe), LinkSource.netlink(), selector, requested);
    }

    /** {@link #start(Probe, InterfaceSelector, AttachMode)} over any attacher and source of links. */
    public static InterfaceReconciler start(ProgramAttacher attacher, LinkSource links, InterfaceSelector selector,
            AttachMode requested) throws ProbeException {
        InterfaceReconciler reconciler =
                new InterfaceReconciler(attacher, links, selector, requested, System::nanoTime);
        reconciler.attachSelected();
        reconciler.running = true;
        reconciler.thread = new Thread(reconciler::run, "tcplat-interfaces");
        reconciler.thread.setDaemon(true);
        reconciler.thread.start();
        return reconciler;
    }

    /** The first pass, strict: on a failure everything is released again and the failure thrown. */
    void attachSelected() throws ProbeException {
        try {
            List<Link> now = links.list();
            reconcile(now, true);
            if (selector.select(now).isEmpty()) {
                log.warn("no interface matches {} yet; waiting for one to appear", selector);
            }
        } catch (ProbeException | RuntimeException e) {
            close();
            throw e;
        }
        nextFullPass = clock.getAsLong() + Duration.ofSeconds(FULL_PASS_SECONDS).toNanos();
    }

    /** What {@code tcplat_interface_attached} reports; safe from any thread. */
    public List<InterfaceAttachment> attachments() {
        return snapshot;
    }

    private void run() {
        while (running) {
            if (!followOnce()) {
                sleepQuietly(WAIT_MS);
            }
        }
    }

    /**
     * One turn of the thread: wait a little for a change, then make a pass if there was one, a
     * retry is due or the periodic pass is. False if that failed; the failure is logged once.
     */
    boolean followOnce() {
        try {
            boolean changed = links.awaitChange(WAIT_MS);
            long now = clock.getAsLong();
            if (changed || now - nextFullPass >= 0 || retryDue(now)) {
                nextFullPass = now + Duration.ofSeconds(FULL_PASS_SECONDS).toNanos();
                reconcile(links.list(), false);
            }
            lastLoopError = "";
            return true;
        } catch (ProbeException | RuntimeException e) {
            // Keep following: the next change or pass tries again. Say it once, not per pass.
            if (!e.toString().equals(lastLoopError)) {
                log.warn("following interface changes: {}", e.getMessage());
                lastLoopError = e.toString();
            }
            return false;
        }
    }

    private boolean retryDue(long now) {
        return failures.values().stream().anyMatch(f -> now - f.retryAtNanos() >= 0);
    }

    /** One pass: release what is no longer selected, attach what is newly selected. */
    private void reconcile(List<Link> links, boolean strict) throws ProbeException {
        Map<Integer, Link> present = new HashMap<>();
        links.forEach(l -> present.put(l.index(), l));
        Map<Integer, Link> wanted = new LinkedHashMap<>();
        selector.select(links).forEach(l -> wanted.put(l.index(), l));

        for (Map.Entry<Integer, Attached> entry : new ArrayList<>(attached.entrySet())) {
            int index = entry.getKey();
            Attached was = entry.getValue();
            Link now = present.get(index);
            if (wanted.containsKey(index)) {
                if (!now.name().equals(was.name())) {
                    log.info("{} (index {}) is now named {}; still attached", was.name(), index, now.name());
                    attached.put(index, new Attached(now.name(), was.mode()));
                }
                continue;
            }
            String why = now == null ? "it is gone"
                    : now.name().equals(was.name()) ? "no longer selected"
                    : "renamed to " + now.name() + ", which is not selected";
            release(index, was, why);
        }
        failures.keySet().retainAll(wanted.keySet());

        long now = clock.getAsLong();
        for (Link link : wanted.values()) {
            if (attached.containsKey(link.index())) {
                continue;
            }
            Failure failure = failures.get(link.index());
            if (failure != null && now - failure.retryAtNanos() < 0) {
                continue;
            }
            try {
                attach(link);
            } catch (ProbeException e) {
                if (strict) {
                    throw e;
                }
                recordFailure(link, failure, e, now);
            }
        }
        publish(present);
    }

    private void attach(Link link) throws ProbeException {
        AttachMode mode = attacher.attach(link.index(), link.name(), requested);
        String modeName = mode.name().toLowerCase(Locale.ROOT);
        attached.put(link.index(), new Attached(link.name(), modeName));
        failures.remove(link.index());
        log.info("attached to {} via {} (index {})", link.name(), modeName, link.index());
        if (requested == AttachMode.AUTO && mode == AttachMode.TC && !fallbackReported) {
            fallbackReported = true;
            log.warn("this kernel has no TCX links (Linux 6.6+): using legacy clsact filters instead, which stay"
                    + " attached if the exporter is killed until it starts again");
        }
    }

    private void recordFailure(Link link, Failure previous, ProbeException e, long now) {
        Duration delay = previous == null ? FIRST_RETRY
                : previous.delay().multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY
                : previous.delay().multipliedBy(2);
        if (previous == null || !previous.message().equals(e.getMessage())) {
            log.warn("{}; retrying in {} s, then less and less often", e.getMessage(), delay.toSeconds());
        } else {
            log.debug("{}; retrying in {} s", e.getMessage(), delay.toSeconds());
        }
        failures.put(link.index(), new Failure(link.name(), e.getMessage(), now + delay.toNanos(), delay));
    }

    private void release(int index, Attached was, String why) {
        attached.remove(index);
        try {
            attacher.detach(index, was.name());
            log.info("detached from {} (index {}): {}", was.name(), index, why);
        } catch (ProbeException e) {
            log.warn("{}", e.getMessage());
        }
    }

    private void publish(Map<Integer, Link> present) {
        List<InterfaceAttachment> state = new ArrayList<>();
        attached.values().forEach(a -> state.add(new InterfaceAttachment(a.name(), a.mode(), true)));
        String tried = requested == AttachMode.AUTO ? "" : requested.name().toLowerCase(Locale.ROOT);
        failures.values().forEach(f -> state.add(new InterfaceAttachment(f.name(), tried, false)));
        for (String name : selector.names()) {
            if (present.values().stream().noneMatch(l -> l.name().equals(name))) {
                state.add(new InterfaceAttachment(name, "", false));
            }
        }
        snapshot = List.copyOf(state);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops following changes, then detaches from every interface; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (thread != null && thread != Thread.currentThread()) {
            Threads.joinUninterruptibly(thread);
        }
        links.close();
        for (Map.Entry<Integer, Attached> entry : new ArrayList<>(attached.entrySet())) {
            Attached was = entry.getValue();
            attached.remove(entry.getKey());
            try {
                attacher.detach(entry.getKey(), was.name());
                log.info("detached from {}", was.name());
            } catch (ProbeException e) {
                log.warn("{}", e.getMessage());
            }
        }
        snapshot = List.of();
    }
}
