package dev.tcplat.exporter.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * HTTP GET of an exporter's metrics from inside its namespace.
 *
 * <p>A plain socket on a namespace thread rather than an HTTP client: java.net.http does its I/O
 * on a selector thread of its own (which would be in whatever namespace it was started from),
 * and HttpURLConnection keeps idle connections in a process-wide cache keyed by host and port,
 * where 127.0.0.1:PORT of two namespaces would be mistaken for one another. HTTP/1.0 makes the
 * server close the connection after the body, so reading to EOF reads the whole response.
 */
final class Scraper {
    private static final int TIMEOUT_MS = 5000;

    private Scraper() {}

    /** Scrapes {@code http://host:port/path} from inside {@code ns}. */
    static MetricsText scrape(NetworkNamespace ns, String host, int port, String path) throws Exception {
        return MetricsText.parse(ns.call(() -> get(host, port, path)));
    }

    /** Must run on a thread in the target namespace. Returns the body of a 200 response. */
    static String get(String host, int port, String path) throws IOException {
        byte[] response;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + ":" + port + "\r\n"
                    + "Accept: text/plain; version=0.0.4\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            response = readAll(socket.getInputStream());
        }
        String text = new String(response, StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            throw new IOException("truncated HTTP response from " + host + ":" + port + ": " + text);
        }
        String head = text.substring(0, headerEnd);
        String status = head.lines().findFirst().orElse("");
        if (!status.matches("HTTP/1\\.[01] 200.*")) {
            throw new IOException("GET " + path + " answered " + status);
        }
        String body = text.substring(headerEnd + 4);
        if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return body;
    }

    /** A response's content type and raw body. */
    record Response(String contentType, byte[] body) {}

    /** Any response: status code, content type and raw body. */
    record Reply(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Must run on a thread in the target namespace. GETs {@code path} asking for {@code accept},
     * for exposition formats other than text; HTTP/1.0, so the body is never chunked.
     */
    static Response fetch(String host, int port, String path, String accept) throws IOException {
        Reply reply = request(host, port, path, accept);
        if (reply.status() != 200) {
            throw new IOException("GET " + path + " answered " + reply.status());
        }
        return new Response(reply.contentType(), reply.body());
    }

    /**
     * Must run on a thread in the target namespace. GETs {@code path} (with its query string,
     * already encoded) and returns whatever the server answered, error statuses included: an API
     * explains a bad request in the body.
     */
    static Reply request(String host, int port, String path, String accept) throws IOException {
        byte[] response;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + ":" + port + "\r\nAccept: " + accept
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            response = readAll(socket.getInputStream());
        }
        int headerEnd = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headerEnd < 0) {
            throw new IOException("truncated HTTP response from " + host + ":" + port);
        }
        String head = new String(response, 0, headerEnd, StandardCharsets.US_ASCII);
        String statusLine = head.lines().findFirst().orElse("");
        if (!statusLine.matches("HTTP/1\\.[01] \\d{3}.*")) {
            throw new IOException("GET " + path + " answered " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String contentType = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("");
        return new Reply(status, contentType, Arrays.copyOfRange(response, headerEnd + 4, response.length));
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    /** RFC 9112 §7.1 chunked body: hex size line, data, CRLF; a zero size ends it. */
    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            // Metrics text is ASCII, so characters and bytes count the same.
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
    }
}
