package org.scxgamer.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The page listener: / redirects to /scxgamer/, which is the live page (or a 401 login form),
 * /scxgamer/api/status is the JSON the page polls. Everything but the login form and its style sheet
 * needs a login. The page loads nothing from elsewhere (strict Content-Security-Policy).
 */
final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final transient WebServer server;
    private final transient Monitor monitor;

    PageServlet(WebServer server, Monitor monitor) {
        this.server = server;
        this.monitor = monitor;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        headers(resp);
        String path = path(req);
        switch (path) {
            case "/" -> resp.sendRedirect("/scxgamer/");
            case "/scxgamer/style.css" -> resource(resp, "style.css", "text/css");
            case "/scxgamer/", "/scxgamer/index.html" -> {
                if (server.auth().authenticated(req)) {
                    resource(resp, "index.html", "text/html");
                } else {
                    loginForm(resp, false);
                }
            }
            case "/scxgamer/app.js", "/scxgamer/api/status" -> {
                if (!server.auth().authenticated(req)) {
                    refuse(resp);
                } else if (path.endsWith("app.js")) {
                    resource(resp, "app.js", "text/javascript");
                } else {
                    resp.setContentType("application/json");
                    resp.setCharacterEncoding("UTF-8");
                    monitor.pageAsked();
                    resp.getWriter().write(StatusDocument.build(monitor));
                }
            }
            default -> resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        headers(resp);
        switch (path(req)) {
            case "/scxgamer/login" -> {
                Auth auth = server.auth();
                if (auth.check(req.getParameter("user"), req.getParameter("password"), req.getRemoteAddr())) {
                    resp.addHeader("Set-Cookie", Auth.COOKIE + "=" + auth.newSession()
                            + "; Path=/scxgamer; HttpOnly; SameSite=Strict");
                    resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
                    resp.setHeader("Location", "/scxgamer/");
                } else {
                    loginForm(resp, true);
                }
            }
            case "/scxgamer/logout" -> {
                server.auth().endSession(req);
                resp.addHeader("Set-Cookie", Auth.COOKIE + "=; Path=/scxgamer; Max-Age=0; HttpOnly; SameSite=Strict");
                resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
                resp.setHeader("Location", "/scxgamer/");
            }
            default -> resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private static String path(HttpServletRequest req) {
        String p = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        return p.isEmpty() ? "/" : p;
    }

    private static void headers(HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Cache-Control", "no-store");
    }

    /** API clients get a Basic challenge; the page itself answers 401 with the login form instead. */
    private static void refuse(HttpServletResponse resp) throws IOException {
        resp.setHeader("WWW-Authenticate", "Basic realm=\"scxgamer\", charset=\"UTF-8\"");
        resp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "login required");
    }

    private void loginForm(HttpServletResponse resp, boolean failed) throws IOException {
        // A non-Basic scheme keeps browsers from popping their own dialog over the form.
        resp.setHeader("WWW-Authenticate", "Form realm=\"scxgamer\"");
        resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        String html = read("login.html").replace("${message}", failed ? "Wrong user or password." : "")
                .replace("${user}", server.auth().user());
        resp.getWriter().write(html);
    }

    private static void resource(HttpServletResponse resp, String name, String type) throws IOException {
        resp.setContentType(type);
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(read(name));
    }

    private static String read(String name) throws IOException {
        try (InputStream in = PageServlet.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IOException("missing resource /web/" + name + " in the web bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
