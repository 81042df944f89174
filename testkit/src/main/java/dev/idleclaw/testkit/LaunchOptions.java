package dev.idleclaw.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the stand-in as its own process:
 * {@code --port N --model name[,name] --tokens N --delay-ms D} (all optional; {@code --model} may repeat).
 */
record LaunchOptions(int port, List<String> models, Integer tokens, Duration delay) {
    /** Served when no {@code --model} is given. */
    static final String DEFAULT_MODEL = "llama3.2";

    static LaunchOptions parse(String... args) {
        var port = 0;
        var models = new ArrayList<String>();
        Integer tokens = null;
        var delay = Duration.ZERO;
        for (int i = 0; i < args.length; i++) {
            var flag = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException("missing value after " + flag);
            var value = args[++i];
            switch (flag) {
                case "--port" -> port = Integer.parseInt(value);
                case "--model" -> Arrays.stream(value.split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).forEach(models::add);
                case "--tokens" -> tokens = Integer.parseInt(value);
                case "--delay-ms" -> delay = Duration.ofMillis(Long.parseLong(value));
                default -> throw new IllegalArgumentException(
                        "unknown option " + flag + " (use --port N --model a[,b] --tokens N --delay-ms D)");
            }
        }
        if (models.isEmpty()) models.add(DEFAULT_MODEL);
        return new LaunchOptions(port, List.copyOf(models), tokens, delay);
    }

    Behaviour behaviour() {
        var behaviour = Behaviour.defaults().withDelayPerToken(delay);
        return tokens == null ? behaviour : behaviour.withTokenCount(tokens);
    }
}
