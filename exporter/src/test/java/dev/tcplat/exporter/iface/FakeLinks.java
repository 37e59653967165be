package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.bpf.ProbeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The interfaces of a pretend namespace. A change made with {@link #change} is announced to the
 * next {@link #awaitChange} like a netlink notification; {@link #changeSilently} models one whose
 * notification was lost. A test that drives the reconciler turn by turn wants
 * {@link #awaitChange} to answer at once; one that lets the reconciler's own thread run wants it
 * to wait as the real one does ({@link #waiting}).
 */
final class FakeLinks implements LinkSource {
    private final List<Link> links = new ArrayList<>();
    private final boolean waits;
    private boolean changed;
    private String listFailure;
    private boolean closed;

    FakeLinks(Link... initial) {
        this(false, initial);
    }

    private FakeLinks(boolean waits, Link... initial) {
        this.waits = waits;
        links.addAll(List.of(initial));
    }

    /** Links whose {@link #awaitChange} waits for its timeout when nothing changes. */
    static FakeLinks waiting(Link... initial) {
        return new FakeLinks(true, initial);
    }

    @Override
    public synchronized List<Link> list() throws ProbeException {
        if (listFailure != null) {
            String message = listFailure;
            listFailure = null;
            throw new ProbeException(message, 105);
        }
        return List.copyOf(links);
    }

    /** Whether a change is pending; if not, waits up to the timeout for one when {@link #waiting}. */
    @Override
    public synchronized boolean awaitChange(int timeoutMs) throws ProbeException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!changed) {
            if (!waits) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(left / 1_000_000L, (int) (left % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        changed = false;
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    synchronized boolean closed() {
        return closed;
    }

    /** Replaces the link with {@code link}'s index, or adds it; announced. */
    void change(Link link) {
        changeSilently(link);
        announce();
    }

    /** Removes the link with this index; announced. */
    synchronized void remove(int index) {
        links.removeIf(l -> l.index() == index);
        announce();
    }

    synchronized void changeSilently(Link link) {
        links.removeIf(l -> l.index() == link.index());
        links.add(link);
        links.sort((a, b) -> Integer.compare(a.index(), b.index()));
    }

    /** The next {@link #list} fails with this message. */
    synchronized void failNextList(String message) {
        listFailure = message;
    }

    synchronized void announce() {
        changed = true;
        notifyAll();
    }
}
