package io.sluice.server.metrics;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.sluice.server.admin.HttpReplies;
import io.sluice.server.net.FailedLogins;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check in front of every admin endpoint (everything on the status port but {@code /metrics}):
 * <ol>
 *   <li>only GET and POST; a POST (the only way to change state) must come from the same origin
 *       ({@code Origin} equal to the {@code Host} it was sent to, {@code Sec-Fetch-Site} same-origin or none) and
 *       carry a JSON body. A browser cannot send {@code application/json} across origins without a CORS preflight,
 *       and this server answers no preflight, so a web page a logged-in operator visits cannot post here;</li>
 *   <li>credentials ({@link AdminCredentials}); a source with too many failures is refused for a while
 *       ({@link FailedLogins}).</li>
 * </ol>
 * Refusals are plain text with the reason, never a stack trace.
 */
final class AdminGate extends Filter {

    private static final Logger log = LoggerFactory.getLogger(AdminGate.class);

    private final AdminCredentials credentials;
    private final FailedLogins failures;

    AdminGate(AdminCredentials credentials, FailedLogins failures) {
        this.credentials = credentials;
        this.failures = failures;
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "GET, POST");
            refuse(ex, 405, "method " + method + " is not served here (no CORS, no PUT/DELETE)");
            return;
        }
        if (method.equals("POST")) {
            String crossOrigin = crossOrigin(ex);
            if (crossOrigin != null) {
                log.warn("refused a cross-origin POST {} from {}: {}", ex.getRequestURI().getPath(),
                        ex.getRemoteAddress().getAddress().getHostAddress(), crossOrigin);
                refuse(ex, 403, "cross-origin request refused: " + crossOrigin);
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                refuse(ex, 415, "a POST must carry a JSON body (Content-Type: application/json)");
                return;
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (ex.getRequestHeaders().getFirst("Transfer-Encoding") == null && (length == null || length.equals("0"))) {
                refuse(ex, 400, "a POST must carry a JSON body naming what to change");
                return;
            }
        }
        InetAddress source = ex.getRemoteAddress().getAddress();
        long wait = failures.blockedSeconds(source);
        if (wait > 0) {
            ex.getResponseHeaders().set("Retry-After", String.valueOf(wait));
            refuse(ex, 429, "too many failed logins from " + source.getHostAddress() + "; try again in " + wait + " s");
            return;
        }
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        if (!credentials.accepts(authorization)) {
            if (authorization != null) {
                failures.failed(source);
                log.info("admin request {} {} from {} refused: wrong credentials", method, ex.getRequestURI().getPath(),
                        source.getHostAddress());
            }
            // the console asks with its own login form: a browser's Basic dialog must not pop up over it
            if (credentials.acceptsPassword() && ex.getRequestHeaders().getFirst("X-Sluice-Console") == null) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"sluice\", charset=\"UTF-8\"");
            }
            refuse(ex, 401, (authorization == null ? "credentials required" : "wrong credentials")
                    + ": Basic with canal.user/password, or Bearer <sluice.admin.token> (see docs/security.md)");
            return;
        }
        failures.succeeded(source);
        chain.doFilter(ex);
    }

    /** Why a POST counts as cross-origin, or null when it does not. */
    static String crossOrigin(HttpExchange ex) {
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return "Sec-Fetch-Site: " + site;
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return null; // not sent by a browser page (curl, bin/snapshot.sh)
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        String bare = origin.replaceFirst("^https?://", "");
        if (host == null || bare.equals(origin) || !bare.equalsIgnoreCase(host)) {
            return "Origin " + origin + " is not this server (" + host + ")";
        }
        return null;
    }

    private static void refuse(HttpExchange ex, int code, String reason) throws IOException {
        ex.getRequestBody().close();
        HttpReplies.respondText(ex, code, reason + "\n");
    }

    @Override
    public String description() {
        return "admin credentials and same-origin check";
    }
}
