package dev.tcplat.exporter.e2e;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named network namespace made for one test ({@code ip netns add}), deleted on {@link #close()}
 * together with every device in it.
 *
 * <p>Java code runs inside it through {@link #call}: the task runs on one of this namespace's
 * own threads, each of which has called {@code setns(fd, CLONE_NEWNET)} on itself first. The
 * network namespace is a per-thread attribute in Linux ({@code task->nsproxy}), and a socket
 * belongs to the namespace of the thread that creates its fd; Java creates a socket's fd on the
 * calling thread, at {@code Socket.connect}/{@code bind} and {@code ServerSocket.bind}. So sockets
 * made inside a task live in this namespace, and keep living there when other threads use them
 * afterwards (an accept loop, a reader). {@link #call} checks after {@code setns} that
 * {@code /proc/thread-self/ns/net} really is this namespace.
 *
 * <p>Threads inherit the namespace of the thread that starts them, so a task must not start
 * long-lived shared threads (the common ForkJoinPool, java.net.http's selector) it does not own.
 */
final class NetworkNamespace implements AutoCloseable {
    /** Names carry the test JVM's pid, so parallel runs never collide and leftovers are traceable. */
    static final String PREFIX = "tcplat-e2e-";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // Last line of defence when the JVM dies between create and close (e.g. a forked JVM
        // killed by failsafe's timeout): the namespaces, and the devices in them, go with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String name : LIVE) {
                Command.run("ip", "netns", "del", name);
            }
        }, "netns-cleanup"));
    }

    private final String name;
    private final ExecutorService threads;
    private final ThreadLocal<Boolean> entered = ThreadLocal.withInitial(() -> false);
    private boolean closed;

    private NetworkNamespace(String name) {
        this.name = name;
        AtomicInteger threadNumber = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, name + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Creates a fresh namespace named {@code tcplat-e2e-<pid>-<n>[-role]} with lo up. */
    static NetworkNamespace create(String role) {
        if (SEQUENCE.get() == 0) {
            removeOrphans();
        }
        String name = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet()
                + (role.isEmpty() ? "" : "-" + role);
        Command.run("ip", "netns", "add", name).check();
        LIVE.add(name);
        NetworkNamespace ns = new NetworkNamespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /**
     * Deletes namespaces an earlier test JVM left behind when it was killed before its shutdown
     * hook ran: only ours (prefix {@code tcplat-e2e-}) and only those whose pid is gone, so a
     * concurrent run's namespaces are left alone. Processes still inside one (an exporter the
     * dead JVM started) are killed first, by pid: a namespace outlives its name while any process
     * is in it, and so would that exporter's attachments.
     */
    private static synchronized void removeOrphans() {
        Pattern ours = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");
        for (String line : Command.run("ip", "netns", "list").check().stdout().split("\n")) {
            String candidate = line.split(" ")[0];
            Matcher matcher = ours.matcher(candidate);
            if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty()) {
                for (String pid : Command.run("ip", "netns", "pids", candidate).stdout().split("\\s+")) {
                    if (!pid.isEmpty()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Command.run("ip", "netns", "del", candidate);
            }
        }
    }

    String name() {
        return name;
    }

    /** Path of the bind mount that keeps the namespace alive and names it. */
    Path path() {
        return Path.of("/var/run/netns", name);
    }

    /** {@code ip -n NAME args...}; throws with ip's message when it fails. */
    Command.Result ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
        argv.addAll(List.of(args));
        return Command.run(argv).check();
    }

    /** Runs {@code argv} inside the namespace ({@code ip netns exec}); reports any exit code. */
    Command.Result exec(String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(argv));
        return Command.run(full);
    }

    /** Starts {@code task} on a thread inside this namespace. */
    <T> Future<T> submit(Callable<T> task) {
        return threads.submit(() -> {
            enter();
            return task.call();
        });
    }

    /** Runs {@code task} on a thread inside this namespace and returns its result. */
    <T> T call(Callable<T> task) throws Exception {
        Future<T> result = submit(task);
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new IllegalStateException("a task in " + name + " did not finish in 60 s", e);
        }
    }

    private void enter() throws IOException {
        if (entered.get()) {
            return;
        }
        Libc libc = Libc.INSTANCE;
        int fd = libc.open(path().toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            libc.setns(fd, Libc.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IOException("setns(" + path() + ") failed: errno " + e.getErrorCode(), e);
        } finally {
            libc.close(fd);
        }
        String expected = "net:[" + Files.getAttribute(path(), "unix:ino") + "]";
        String actual = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        if (!actual.equals(expected)) {
            throw new IOException("thread is in " + actual + " after setns, expected " + expected);
        }
        entered.set(true);
    }

    /** The namespace's inode as {@code /proc/PID/ns/net} shows it, e.g. {@code net:[4026532288]}. */
    String inode() {
        try {
            return "net:[" + Files.getAttribute(path(), "unix:ino") + "]";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops this namespace's threads and deletes it, with every device still in it. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Command.Result deleted = Command.run("ip", "netns", "del", name);
        LIVE.remove(name);
        deleted.check();
    }

    @Override
    public String toString() {
        return name;
    }
}
