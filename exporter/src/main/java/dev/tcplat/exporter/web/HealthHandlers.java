package dev.tcplat.exporter.web;

import com.sun.net.httpserver.HttpHandler;
import java.util.function.BooleanSupplier;

/** The health endpoints Prometheus itself serves, with the same meaning. */
final class HealthHandlers {
    private HealthHandlers() {}

    /** {@code /-/healthy}: 200 whenever the server answers at all. */
    static HttpHandler healthy() {
        return exchange -> Responses.text(exchange, 200, "Healthy");
    }

    /** {@code /-/ready}: 200 once the probe is attached and draining, 503 before (and after). */
    static HttpHandler ready(BooleanSupplier ready) {
        return exchange -> {
            if (ready.getAsBoolean()) {
                Responses.text(exchange, 200, "Ready");
            } else {
                Responses.text(exchange, 503, "Not ready: the probe is not attached");
            }
        };
    }
}
