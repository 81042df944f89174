package dev.idleclaw.e2e;

import java.io.IOException;

/**
 * A fresh PostgreSQL schema ({@link PostgresSchema}) reached through a relay the test can cut ({@link CuttableTcp}),
 * for the tests of what the hub does while its database is away. Closing drops both.
 */
public final class CutPostgres implements AutoCloseable {
    private final PostgresSchema schema;
    private final CuttableTcp relay;

    private CutPostgres(PostgresSchema schema, CuttableTcp relay) {
        this.schema = schema;
        this.relay = relay;
    }

    /** A fresh schema behind a new relay; skipped without PostgreSQL (failed when {@code CI=true}). */
    public static CutPostgres fresh() throws IOException {
        var schema = PostgresSchema.fresh();
        return new CutPostgres(schema, new CuttableTcp(5432));
    }

    /** The schema's JDBC URL through the relay: what the code under test connects to. */
    public String url() {
        return schema.url().replace("127.0.0.1:5432", "127.0.0.1:" + relay.port());
    }

    /** The schema's JDBC URL straight to the server, for the test's own checks while the relay is cut. */
    public String directUrl() {
        return schema.url();
    }

    /** Cuts every connection through the relay and refuses new ones. */
    public void cut() throws IOException {
        relay.cut();
    }

    /** Lets connections through again. */
    public void restore() throws IOException {
        relay.restore();
    }

    @Override
    public void close() throws Exception {
        relay.close();
        schema.close();
    }
}
