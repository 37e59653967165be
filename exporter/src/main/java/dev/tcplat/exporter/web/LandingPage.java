package dev.tcplat.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/** {@code /}: a short HTML page linking to the endpoints, so a browser pointed here finds its way. */
final class LandingPage implements HttpHandler {
    private final String html;

    LandingPage(String metricsPath, String version) {
        // The path is checked by ExporterConfig to start with '/'; escaped anyway, it lands in HTML.
        String path = escape(metricsPath);
        this.html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tcplat-exporter</title></head>\n"
                + "<body><h1>tcplat-exporter</h1>\n<p>TCP handshake latency per remote peer, measured with eBPF."
                + " Version " + escape(version) + ".</p>\n<ul>\n"
                + "<li><a href=\"" + path + "\">" + path + "</a>: metrics</li>\n"
                + "<li><a href=\"/-/healthy\">/-/healthy</a>: the process answers</li>\n"
                + "<li><a href=\"/-/ready\">/-/ready</a>: the probe is attached and events are read</li>\n"
                + "</ul></body></html>\n";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Responses.send(exchange, 200, "text/html; charset=utf-8", html);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
