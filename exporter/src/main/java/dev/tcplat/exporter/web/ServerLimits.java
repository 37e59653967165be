package dev.tcplat.exporter.web;

/**
 * Bounds of the JDK's HTTP server, so that slow or idle clients can not starve a scrape. The
 * JDK reads these system properties once, when its first server is created (sun.net.httpserver
 * ServerConfig), so they are set before that, unless the operator set them with {@code -D}.
 */
final class ServerLimits {
    /** Most open connections; beyond it new ones wait in the listen backlog. */
    static final int MAX_CONNECTIONS = 32;
    /**
     * Seconds a client may take to send a request's headers: a scraper sends them at once, a
     * client that trickles them is cut off instead of holding a thread.
     */
    static final int MAX_REQUEST_SECONDS = 10;
    /** Seconds for writing one response: generous for a large scrape over a slow link. */
    static final int MAX_RESPONSE_SECONDS = 60;
    /** Seconds an idle keep-alive connection stays open. */
    static final int IDLE_SECONDS = 15;

    private ServerLimits() {}

    static void apply() {
        setIfAbsent("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
        setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
        setIfAbsent("sun.net.httpserver.idleInterval", IDLE_SECONDS);
    }

    /** Threads serving exchanges: one per allowed connection, so a stalled one blocks only itself. */
    static int threads() {
        return Integer.getInteger("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
