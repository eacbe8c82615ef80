package org.scxgamer.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may see the page and the metrics: HTTP Basic (scrapers, curl) or a session cookie from the
 * login form (browsers). Sessions live in memory only: a restart logs everybody out.
 */
final class Auth {
    static final String COOKIE = "scxgamer_session";
    private static final Logger LOG = LoggerFactory.getLogger(Auth.class);
    /** At most one failed-login warning per this many ms, so a password guesser cannot flood the log. */
    private static final long WARN_INTERVAL_MS = 10_000;

    private final String user;
    private final Credentials credentials;
    private final long sessionMillis;
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastWarn = new AtomicLong();

    Auth(String user, Credentials credentials, int sessionMinutes) {
        this.user = user;
        this.credentials = credentials;
        this.sessionMillis = sessionMinutes * 60_000L;
    }

    String user() {
        return user;
    }

    boolean check(String name, String password, String from) {
        boolean ok = name != null && MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                name.getBytes(StandardCharsets.UTF_8)) & credentials.matches(password);
        if (!ok) {
            long n = failures.incrementAndGet();
            long now = System.currentTimeMillis();
            long last = lastWarn.get();
            if (now - last >= WARN_INTERVAL_MS && lastWarn.compareAndSet(last, now)) {
                LOG.warn("web: failed login from {} ({} failed logins since start)", from, n);
            }
        }
        return ok;
    }

    /** True if the request carries valid Basic credentials or a live session cookie. */
    boolean authenticated(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            return colon > 0 && check(decoded.substring(0, colon), decoded.substring(colon + 1), req.getRemoteAddr());
        }
        String token = sessionToken(req);
        if (token == null) {
            return false;
        }
        Long expiry = sessions.get(token);
        long now = System.currentTimeMillis();
        if (expiry == null || expiry < now) {
            sessions.remove(token);
            return false;
        }
        sessions.put(token, now + sessionMillis);
        return true;
    }

    String newSession() {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(expiry -> expiry < now);
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        sessions.put(token, now + sessionMillis);
        return token;
    }

    void endSession(HttpServletRequest req) {
        String token = sessionToken(req);
        if (token != null) {
            sessions.remove(token);
        }
    }

    private static String sessionToken(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }
}
