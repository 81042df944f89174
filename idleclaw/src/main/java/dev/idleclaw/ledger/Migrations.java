package dev.idleclaw.ledger;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/** Brings a ledger database to the current schema with the shared Flyway scripts in {@code db/ledger}. */
final class Migrations {
    /** The one script set both SQLite and PostgreSQL run. */
    static final String LOCATION = "classpath:db/ledger";

    private Migrations() {}

    /** Applies pending migrations; {@code schema} null means the connection's current schema. */
    static void migrate(DataSource dataSource, String schema, String name) {
        try {
            var config = Flyway.configure().dataSource(dataSource).locations(LOCATION).failOnMissingLocations(true);
            if (schema != null) config = config.schemas(schema).defaultSchema(schema);
            config.load().migrate();
        } catch (FlywayException e) {
            throw new LedgerException("cannot migrate ledger " + name + ": " + Targets.redact(String.valueOf(e.getMessage())), e);
        }
    }
}
