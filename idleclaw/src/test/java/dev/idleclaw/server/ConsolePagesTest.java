package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /dashboard} and {@code /admin}: pages from the jar under the pages' CSP, or 404 on an API-only hub. */
class ConsolePagesTest {

    @Test
    void theDashboardAndTheOperatorViewAreServedWithThePagesSecurityHeaders() throws Exception {
        try (var hub = HubFixture.start()) {
            for (var page : List.of(new String[] {"/dashboard", "dashboard.js"}, new String[] {"/admin", "admin.js"})) {
                var res = hub.get(page[0], "Accept", "text/html");
                assertThat(res.statusCode()).as(page[0]).isEqualTo(200);
                assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
                assertThat(res.headers().firstValue("Content-Security-Policy").orElse(""))
                        .contains("script-src 'self' 'sha256-").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval")
                        .contains("frame-ancestors 'none'");
                assertThat(res.body()).contains("<script type=\"module\" src=\"assets/").contains(page[1])
                        .contains("<script type=\"importmap\">");
                var script = res.body().replaceAll("(?s).*<script type=\"module\" src=\"([^\"]+)\".*", "$1");
                var js = hub.get("/" + script);
                assertThat(js.statusCode()).as(script).isEqualTo(200);
                assertThat(js.body()).as("no token in a URL or localStorage").doesNotContain("localStorage.setItem");
            }
        }
    }

    @Test
    void anApiOnlyHubServesNeitherPageButKeepsTheirApis() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.web = false;
            c.adminToken = "t";
        })) {
            assertThat(hub.get("/dashboard", "Accept", "text/html").statusCode()).isEqualTo(404);
            assertThat(hub.get("/admin", "Accept", "text/html").statusCode()).isEqualTo(404);
            assertThat(hub.get("/api/stats").statusCode()).isEqualTo(200);
            assertThat(hub.get("/admin/nodes", "Authorization", "Bearer t").statusCode()).isEqualTo(200);
        }
    }
}
