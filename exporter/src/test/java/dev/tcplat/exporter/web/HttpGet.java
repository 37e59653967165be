package dev.tcplat.exporter.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.0 request to 127.0.0.1 over a plain or TLS socket, read to EOF: the test sees the
 * status line, headers and body exactly as sent, with no client library in between.
 */
final class HttpGet {
    private static final int TIMEOUT_MS = 20_000;

    private HttpGet() {}

    record Response(int status, String head, String body) {
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).strip()).findFirst().orElse(null);
        }
    }

    static Response plain(int port, String method, String path, String user, String password) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            return exchange(socket, method, path, user, password);
        }
    }

    static Response get(int port, String path) throws IOException {
        return plain(port, "GET", path, null, null);
    }

    static Response tls(SSLContext context, String protocol, int port, String path, String user, String password)
            throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            return exchange(socket, "GET", path, user, password);
        }
    }

    private static Response exchange(Socket socket, String method, String path, String user, String password)
            throws IOException {
        socket.setSoTimeout(TIMEOUT_MS);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n");
        if (user != null) {
            String credentials = Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8));
            request.append("Authorization: Basic ").append(credentials).append("\r\n");
        }
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("truncated response: " + text);
        }
        String head = text.substring(0, end);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        return new Response(status, head, text.substring(end + 4));
    }
}
