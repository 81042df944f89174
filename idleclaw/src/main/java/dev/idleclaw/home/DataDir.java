package dev.idleclaw.home;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where IdleClaw keeps its files when no option names a place: {@code $IDLECLAW_DATA_DIR}, else
 * {@code $HOME/.idleclaw}. Java's {@code user.home} comes from the password database and ignores {@code $HOME}, so
 * {@code HOME=/tmp/x idleclaw …} would otherwise still write the account's real home (containers, CI, shared
 * machines). {@code user.home} is used only when {@code HOME} is unset or blank. Every default path (identity,
 * ledger, peers file, a hub's data directory) is resolved here.
 *
 * @param home the home directory ({@code ~})
 * @param dir  the data directory
 */
public record DataDir(Path home, Path dir) {
    /** Overrides the data directory. */
    public static final String ENV = "IDLECLAW_DATA_DIR";
    /** The home directory, as every Unix tool reads it. */
    public static final String HOME_ENV = "HOME";
    /** The data directory's name in the home directory. */
    public static final String DIR_NAME = ".idleclaw";

    /** From this process's environment. */
    public static DataDir current() {
        return of(System.getenv(), System.getProperty("user.home"));
    }

    /** From {@code env}, with {@code userHome} (Java's {@code user.home}) as the last resort for {@code HOME}. */
    public static DataDir of(Map<String, String> env, String userHome) {
        String h = nonBlank(env.get(HOME_ENV));
        Path home = Path.of(h != null ? h : userHome);
        String d = nonBlank(env.get(ENV));
        return new DataDir(home, d != null ? Path.of(d) : home.resolve(DIR_NAME));
    }

    /** {@code name} in the data directory. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** A leading {@code ~/} (or a lone {@code ~}) as the home directory, as a shell would expand it. */
    public String expand(String path) {
        if (path.equals("~")) return home.toString();
        if (path.startsWith("~/")) return home.resolve(path.substring(2)).toString();
        return path;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
