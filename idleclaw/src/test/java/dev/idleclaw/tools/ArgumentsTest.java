package dev.idleclaw.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    private final WebSearch search = new WebSearch(java.net.URI.create("http://search.invalid"), java.net.http.HttpClient.newHttpClient());

    @Test
    void aValidCallHasNoProblems() throws Exception {
        assertThat(Arguments.problems(Json.parse("{\"query\":\"weather\"}"), search.parameters())).isEmpty();
    }

    @Test
    void missingWrongTypeAndUnknownArgumentsAreEachNamed() throws Exception {
        assertThat(Arguments.problems(Json.parse("{}"), search.parameters())).containsExactly("missing required argument 'query'");
        assertThat(Arguments.problems(Json.parse("{\"query\":42}"), search.parameters())).containsExactly("argument 'query' must be of type string");
        assertThat(Arguments.problems(Json.parse("{\"query\":\"a\",\"lang\":\"de\"}"), search.parameters())).containsExactly("unknown argument 'lang'");
        assertThat(Arguments.problems(Json.parse("[1]"), search.parameters())).containsExactly("arguments must be a JSON object");
    }
}
