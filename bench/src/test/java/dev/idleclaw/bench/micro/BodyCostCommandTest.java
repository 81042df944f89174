package dev.idleclaw.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code body-cost} on a few calls: every step of the hub's path runs on the product's code and gets a row. Times nothing. */
class BodyCostCommandTest {
    @Test
    void printsOneRowPerStepAndTheTotal() {
        var bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new BodyCostCommand()).execute("--calls", "3", "--rounds", "1");
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("a 65,536-byte agent body (18 messages, 20 tools)");
        for (String step : new String[] {"parse the body", "RequestSize.of", "MessageLimits.violation", "WireCodec.encode",
                "as Jetty's sendText", "the hub's path in all", "receipt check", "removed: the dialect rule's own parse",
                "removed: parse via a strictly decoded String"}) {
            assertThat(text.lines().filter(l -> l.contains(step)).findFirst()).as(step)
                    .hasValueSatisfying(l -> assertThat(l).matches(".*\\s[0-9.]+\\s+[0-9.]+"));
        }
    }
}
