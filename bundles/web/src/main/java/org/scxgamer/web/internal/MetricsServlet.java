package org.scxgamer.web.internal;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** GET /metrics on the metrics listener: Prometheus text format, HTTP Basic with the page's login. */
final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient WebServer server;
    private final transient Monitor monitor;

    MetricsServlet(WebServer server, Monitor monitor) {
        this.server = server;
        this.monitor = monitor;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (!server.auth().authenticated(req)) {
            resp.setHeader("WWW-Authenticate", "Basic realm=\"scxgamer\", charset=\"UTF-8\"");
            resp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "login required");
            return;
        }
        resp.setContentType(Metrics.CONTENT_TYPE);
        resp.getWriter().write(Metrics.render(monitor));
    }
}
