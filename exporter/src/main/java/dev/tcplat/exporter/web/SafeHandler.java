package dev.tcplat.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every handler: serves only its exact path and only GET and HEAD, adds the configured
 * headers, and turns anything thrown into a bare 500. A stack trace names classes, versions and
 * paths: it goes to the log, never into a response.
 */
final class SafeHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(SafeHandler.class);

    private final String path;
    private final Map<String, String> headers;
    private final HttpHandler inner;

    SafeHandler(String path, Map<String, String> headers, HttpHandler inner) {
        this.path = path;
        this.headers = headers;
        this.inner = inner;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            headers.forEach(exchange.getResponseHeaders()::set);
            // A JDK context matches every path it prefixes; ours answer only their own.
            if (!exchange.getRequestURI().getPath().equals(path)) {
                Responses.text(exchange, 404, "404 not found");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                Responses.text(exchange, 405, "405 method not allowed");
                return;
            }
            inner.handle(exchange);
        } catch (IOException e) {
            // The client went away mid-response; nothing can be sent to it any more.
            log.debug("HTTP {} {}: {}", exchange.getRequestMethod(), path, e.toString());
            exchange.close();
        } catch (RuntimeException | Error e) {
            log.warn("HTTP {} {} failed: {}", exchange.getRequestMethod(), path, e.toString());
            internalError(exchange);
        }
    }

    /** A 500 if the status line has not gone out yet; otherwise the connection is cut. */
    static void internalError(HttpExchange exchange) {
        try {
            if (exchange.getResponseCode() == -1) {
                Responses.text(exchange, 500, "500 internal server error");
            }
        } catch (IOException | RuntimeException e) {
            // Nothing more to tell a client we can not write to.
        } finally {
            exchange.close();
        }
    }
}
