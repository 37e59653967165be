package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.bpf.LinkWatch;
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
 */
public final class InterfaceReconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InterfaceReconciler.class);
    /** How often the thread looks up from waiting, to notice {@link #close}. */
    private static final int WAIT_MS = 250;
    static final int FULL_PASS_SECONDS = 10;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(60);

    private final Probe probe;
    private final InterfaceSelector selector;
    private final AttachMode requested;
    private final LinkWatch watch;
    /** By interface index: the index, not the name, identifies a device. */
    private final Map<Integer, Attached> attached = new LinkedHashMap<>();
    private final Map<Integer, Failure> failures = new HashMap<>();
    private volatile List<InterfaceAttachment> snapshot = List.of();
    private volatile boolean running;
    private boolean fallbackReported;
    private String lastLoopError = "";
    private Thread thread;
    private boolean closed;

    private record Attached(String name, String mode) {}

    private record Failure(String name, String message, long retryAtNanos, Duration delay) {}

    private InterfaceReconciler(Probe probe, InterfaceSelector selector, AttachMode requested, LinkWatch watch) {
        this.probe = probe;
        this.selector = selector;
        this.requested = requested;
        this.watch = watch;
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
        InterfaceReconciler reconciler = new InterfaceReconciler(probe, selector, requested, LinkWatch.open());
        try {
            List<Link> links = LinkWatch.list();
            reconciler.reconcile(links, true);
            if (selector.select(links).isEmpty()) {
                log.warn("no interface matches {} yet; waiting for one to appear", selector);
            }
        } catch (ProbeException | RuntimeException e) {
            reconciler.close();
            throw e;
        }
        reconciler.running = true;
        reconciler.thread = new Thread(reconciler::run, "tcplat-interfaces");
        reconciler.thread.setDaemon(true);
        reconciler.thread.start();
        return reconciler;
    }

    /** What {@code tcplat_interface_attached} reports; safe from any thread. */
    public List<InterfaceAttachment> attachments() {
        return snapshot;
    }

    private void run() {
        long nextFullPass = System.nanoTime() + Duration.ofSeconds(FULL_PASS_SECONDS).toNanos();
        while (running) {
            try {
                boolean changed = watch.awaitChange(WAIT_MS);
                long now = System.nanoTime();
                if (changed || now - nextFullPass >= 0 || retryDue(now)) {
                    nextFullPass = now + Duration.ofSeconds(FULL_PASS_SECONDS).toNanos();
                    reconcile(LinkWatch.list(), false);
                }
                lastLoopError = "";
            } catch (ProbeException | RuntimeException e) {
                // Keep following: the next change or pass tries again. Say it once, not per pass.
                if (!e.toString().equals(lastLoopError)) {
                    log.warn("following interface changes: {}", e.getMessage());
                    lastLoopError = e.toString();
                }
                sleepQuietly(WAIT_MS);
            }
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

        long now = System.nanoTime();
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
        AttachMode mode = probe.attach(link.index(), link.name(), requested);
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
            probe.detach(index, was.name());
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
        watch.close();
        for (Map.Entry<Integer, Attached> entry : new ArrayList<>(attached.entrySet())) {
            Attached was = entry.getValue();
            attached.remove(entry.getKey());
            try {
                probe.detach(entry.getKey(), was.name());
                log.info("detached from {}", was.name());
            } catch (ProbeException e) {
                log.warn("{}", e.getMessage());
            }
        }
        snapshot = List.of();
    }
}
