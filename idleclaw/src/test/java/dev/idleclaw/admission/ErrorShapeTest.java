package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The error body each door's clients parse, for the statuses the hub refuses with, without a hub. */
class ErrorShapeTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            IDLECLAW  | 429 | {"detail":"slow down"}
            OLLAMA    | 429 | {"error":"slow down"}
            OPENAI    | 429 | {"error":{"message":"slow down","type":"api_error","param":null,"code":"rate_limit_exceeded"}}
            OPENAI    | 400 | {"error":{"message":"slow down","type":"invalid_request_error","param":null,"code":null}}
            OPENAI    | 401 | {"error":{"message":"slow down","type":"invalid_request_error","param":null,"code":null}}
            OPENAI    | 404 | {"error":{"message":"slow down","type":"not_found_error","param":null,"code":null}}
            OPENAI    | 413 | {"error":{"message":"slow down","type":"invalid_request_error","param":null,"code":null}}
            OPENAI    | 503 | {"error":{"message":"slow down","type":"api_error","param":null,"code":null}}
            ANTHROPIC | 429 | {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}
            ANTHROPIC | 401 | {"type":"error","error":{"type":"authentication_error","message":"slow down"}}
            ANTHROPIC | 413 | {"type":"error","error":{"type":"request_too_large","message":"slow down"}}
            ANTHROPIC | 503 | {"type":"error","error":{"type":"overloaded_error","message":"slow down"}}
            ANTHROPIC | 500 | {"type":"error","error":{"type":"api_error","message":"slow down"}}
            """)
    void eachDoorsClientsGetTheirOwnErrorBody(ErrorShape shape, int status, String body) {
        assertThat(shape.body(status, "slow down")).isEqualTo(body);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            IDLECLAW  | {"detail":"say \\"hi\\"\\n"}
            OLLAMA    | {"error":"say \\"hi\\"\\n"}
            """)
    void theMessageIsEscapedAsJson(ErrorShape shape, String body) {
        assertThat(shape.body(400, "say \"hi\"\n")).isEqualTo(body);
    }
}
