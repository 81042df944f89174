package dev.idleclaw.front.idleclaw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentFilterTest {
    private static final String F = ContentFilter.REPLACEMENT;

    /** Runs {@code pieces} through one filter and returns everything it let out, flush included. */
    private static String run(String... pieces) {
        var f = new ContentFilter();
        var out = new StringBuilder();
        for (String p : pieces) out.append(f.accept(p));
        return out.append(f.flush()).toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            plain text                 | hello world                                       | hello world
            script tag                 | a<script>alert(1)</script>b                       | a[content filtered]alert(1)</script>b
            script with space          | <script src=x>                                    | [content filtered]src=x>
            script with newline        | "<script\nx"                                      | [content filtered]x
            scripts is not script      | <scripts> and <scriptx                            | <scripts> and <scriptx
            script at the very end     | see <script                                       | see <script
            javascript url             | click javascript:alert(1)                         | click [content filtered]alert(1)
            data url                   | x data:text/html;base64,AA                        | x [content filtered];base64,AA
            data url other type kept   | data:text/plain,hi                                | data:text/plain,hi
            tool call removed          | a<tool_call>{"name":"x"}</tool_call>b              | ab
            two tool calls             | <tool_call>1</tool_call>x<tool_call>2</tool_call>y | xy
            nested tool call           | <tool_call>a<tool_call>b</tool_call>c</tool_call>d | c</tool_call>d
            unterminated tool call     | before<tool_call>{"name":"web_search"             | before
            lone closing tag kept      | a</tool_call>b                                    | a</tool_call>b
            other html passes          | <b>bold</b><img src=x onerror=y>                  | <b>bold</b><img src=x onerror=y>
            """)
    void filtersWholeText(String why, String input, String expected) {
        assertThat(run(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            upper script      | <SCRIPT>x          | [content filtered]x
            mixed script      | <ScRiPt >x         | [content filtered]>x
            upper javascript  | JavaScript:x       | [content filtered]x
            upper data url    | DATA:TEXT/HTML,x   | [content filtered],x
            upper tool call   | a<TOOL_CALL>x</Tool_Call>b | ab
            """)
    void matchesInAnyCase(String why, String input, String expected) {
        assertThat(run(input)).isEqualTo(expected);
    }

    @Test
    void catchesPatternsSplitAtEveryPosition() {
        List<String> samples = List.of(
                "Look: <script>alert(1)</script> done",
                "go to javascript:void(0) now",
                "src=data:text/html,<b>x</b>",
                "pre<tool_call>{\"name\":\"web_search\",\"arguments\":{}}</tool_call>post",
                "<SCRIPT\tx JAVASCRIPT: <Tool_Call>q</TOOL_CALL> <scripts> tail<scr");
        for (String s : samples) {
            String whole = run(s);
            for (int i = 0; i <= s.length(); i++) {
                for (int j = i; j <= s.length(); j++) {
                    String split = run(s.substring(0, i), s.substring(i, j), s.substring(j));
                    assertThat(split).as("'%s' split at %d and %d", s, i, j).isEqualTo(whole);
                }
            }
        }
        assertThat(run(samples.getLast())).isEqualTo(F + "x " + F + "  <scripts> tail<scr");
    }

    @Test
    void catchesPatternsSentOneCharacterAtATime() {
        String s = "a<script>b javascript:c data:text/html d<tool_call>e</tool_call>f";
        assertThat(run(s.split(""))).isEqualTo("a" + F + "b " + F + "c " + F + " df");
    }

    @Test
    void holdsBackOnlyAPossiblePatternStartAndFlushesItAtTheEnd() {
        var f = new ContentFilter();
        assertThat(f.accept("Hello <scr")).isEqualTo("Hello ");
        assertThat(f.accept("een")).isEqualTo("<screen");
        assertThat(f.accept(" and java")).isEqualTo(" and ");
        assertThat(f.flush()).isEqualTo("java");
        assertThat(f.accept("plain")).isEqualTo("plain");
        assertThat(f.flush()).isEmpty();
    }

    @Test
    void dropsAnUnterminatedToolCallAtFlushAndStartsCleanAfterwards() {
        var f = new ContentFilter();
        assertThat(f.accept("x<tool_call>{\"a\":")).isEqualTo("x");
        assertThat(f.accept("1}</tool")).isEmpty();
        assertThat(f.flush()).isEmpty();
        assertThat(f.accept("visible")).isEqualTo("visible");
    }

    @Test
    void closingTagSplitAcrossChunksEndsTheToolCall() {
        assertThat(run("a<tool_call>x</", "tool_", "call>b")).isEqualTo("ab");
        assertThat(run("a<tool_call>x<", "/TOOL_CALL", ">b")).isEqualTo("ab");
    }
}
