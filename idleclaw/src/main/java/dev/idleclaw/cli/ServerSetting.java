package dev.idleclaw.cli;

import dev.idleclaw.node.NodeConfig;
import java.util.function.Function;

/**
 * The hub address of {@code consume}, {@code status}, {@code balance} and {@code contribute}, and where it came
 * from, so a message about a bad address names what to fix: {@code --server}, else {@code $IDLECLAW_SERVER}, else
 * the default.
 *
 * @param value   the address as given
 * @param name    the flag or variable that gave it ({@code --server} for the default)
 * @param origin  words for messages, e.g. {@code address from IDLECLAW_SERVER}
 */
record ServerSetting(String value, String name, String origin) {
    static final String FLAG = "--server";
    static final String ENV = "IDLECLAW_SERVER";
    /** A hub on this machine, as {@code idleclaw server} starts it by default. */
    static final String DEFAULT = NodeConfig.DEFAULT_SERVER;

    /** The flag's value when given, else {@code $IDLECLAW_SERVER} from {@code env} when set, else {@link #DEFAULT}. */
    static ServerSetting of(String flag, Function<String, String> env) {
        if (flag != null) return new ServerSetting(flag, FLAG, "address from " + FLAG);
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return new ServerSetting(fromEnv, ENV, "address from " + ENV);
        return new ServerSetting(DEFAULT, FLAG, "default address, set " + FLAG + " or " + ENV);
    }
}
