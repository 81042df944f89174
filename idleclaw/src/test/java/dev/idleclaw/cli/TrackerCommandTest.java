package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerServer;
import org.junit.jupiter.api.Test;

/** {@code idleclaw tracker}: options, help and exit codes (the running server is covered by the tracker tests). */
class TrackerCommandTest {

    @Test
    void helpNamesTheDefaultsAndEnvironmentVariables() {
        var run = CliRun.wide("tracker", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--host", "IDLECLAW_TRACKER_HOST", "default: 127.0.0.1", "--port", "IDLECLAW_TRACKER_PORT",
                "default: 17476", "--local", "--block-private");
    }

    @Test
    void contradictoryAddressPoliciesAreAUsageError() {
        var run = CliRun.main("tracker", "--local", "--block-private");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--local and --block-private");
    }

    @Test
    void aPortInUseIsOneLineNamingTheOptionAndExitsWithOne() {
        try (var busy = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, UrlSafety.Policy.DEFAULT))) {
            var run = CliRun.main("tracker", "--port", Integer.toString(busy.port()));
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("idleclaw tracker: port " + busy.port()
                    + " on 127.0.0.1 is already in use (--port / IDLECLAW_TRACKER_PORT)" + System.lineSeparator());
        }
    }

    @Test
    void anAddressThisMachineDoesNotHaveNamesTheHostOption() {
        var run = CliRun.main("tracker", "--host", "192.0.2.1", "--port", "0");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("idleclaw tracker: cannot listen on 192.0.2.1:0:").endsWith("(--host / IDLECLAW_TRACKER_HOST)");
    }
}
