package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --web}: the pages are on unless the operator turns them off. */
class ServerWebOptionTest {
    private static boolean web(String... args) {
        var all = new String[args.length + 1];
        all[0] = "server";
        System.arraycopy(args, 0, all, 1, args.length);
        var parsed = Main.commandLine().parseArgs(all);
        return ((ServerCommand) parsed.subcommand().commandSpec().userObject()).web;
    }

    @Test
    void pagesAreOnByDefaultAndWebFalseTurnsThemOff() {
        assertThat(web()).isTrue();
        assertThat(web("--web")).isTrue();
        assertThat(web("--web=true")).isTrue();
        assertThat(web("--web=false")).isFalse();
    }
}
