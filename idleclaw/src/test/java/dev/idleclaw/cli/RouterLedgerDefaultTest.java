package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The router shows its whole ledger by default only where nobody but this machine's user can ask. */
class RouterLedgerDefaultTest {

    @Test
    void loopbackAddressesAreThisMachineOnly() {
        assertThat(RouterCommand.loopback("127.0.0.1")).isTrue();
        assertThat(RouterCommand.loopback("127.3.4.5")).isTrue();
        assertThat(RouterCommand.loopback("localhost")).isTrue();
        assertThat(RouterCommand.loopback("::1")).isTrue();
        assertThat(RouterCommand.loopback("[::1]")).isTrue();
    }

    @Test
    void otherAddressesAndNamesAreNot() {
        assertThat(RouterCommand.loopback("0.0.0.0")).isFalse();
        assertThat(RouterCommand.loopback("192.168.1.10")).isFalse();
        assertThat(RouterCommand.loopback("::")).isFalse();
        assertThat(RouterCommand.loopback("router.example.org")).as("no DNS lookup").isFalse();
    }
}
