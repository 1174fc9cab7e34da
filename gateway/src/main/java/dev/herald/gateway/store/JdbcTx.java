package dev.herald.gateway.store;

import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * The {@link StoreTx} of a JDBC engine: the shared table classes on one connection, with the engine's claims.
 * Engines create one per connection and run every unit of work of that connection on it.
 */
public final class JdbcTx implements StoreTx {
    private final Sql sql;
    private final Dispatches dispatches;
    private final Deliveries deliveries;
    private final DeadLetters deadLetters;
    private final Users users;
    private final EmailAddresses emailAddresses;
    private final InvalidPhones invalidPhones;
    private final Events events;
    private final StreamEvents streamEvents;
    private final Keys keys;
    private final HeldReceipts heldReceipts;
    private final Usage usage;
    private final EmailTemplates emailTemplates;
    private final ContentBlocks contentBlocks;
    private final Claims claims;

    /**
     * The tables on {@code sql}'s connection.
     *
     * @param claims the engine's claims on the same connection (given this transaction's tables)
     */
    public JdbcTx(Sql sql, Function<JdbcTx, Claims> claims) {
        this.sql = sql;
        this.usage = new Usage(sql);
        this.dispatches = new Dispatches(sql);
        this.deliveries = new Deliveries(sql, usage);
        this.deadLetters = new DeadLetters(sql, usage);
        this.users = new Users(sql);
        this.emailAddresses = new EmailAddresses(sql);
        this.invalidPhones = new InvalidPhones(sql);
        this.events = new Events(sql);
        this.streamEvents = new StreamEvents(sql);
        this.keys = new Keys(sql);
        this.heldReceipts = new HeldReceipts(sql);
        this.emailTemplates = new EmailTemplates(sql);
        this.contentBlocks = new ContentBlocks(sql);
        this.claims = claims.apply(this); // last: the claims may use the tables
    }

    /** The connection and its statements. */
    public Sql sql() {
        return sql;
    }

    @Override
    public Dispatches dispatches() {
        return dispatches;
    }

    @Override
    public Deliveries deliveries() {
        return deliveries;
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public Users users() {
        return users;
    }

    @Override
    public EmailAddresses emailAddresses() {
        return emailAddresses;
    }

    @Override
    public InvalidPhones invalidPhones() {
        return invalidPhones;
    }

    @Override
    public Events events() {
        return events;
    }

    @Override
    public StreamEvents streamEvents() {
        return streamEvents;
    }

    @Override
    public Keys keys() {
        return keys;
    }

    @Override
    public HeldReceipts heldReceipts() {
        return heldReceipts;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public EmailTemplates emailTemplates() {
        return emailTemplates;
    }

    @Override
    public ContentBlocks contentBlocks() {
        return contentBlocks;
    }

    @Override
    public Claims claims() {
        return claims;
    }

    /**
     * Ends one unit of work run on this transaction: what it held back to write once (its usage counts and stream
     * events) is kept for {@link #writeHeld} if it succeeded, dropped if it was rolled back. An engine calls it after
     * every write's work.
     */
    public void endWork(boolean succeeded) {
        usage.endWork(succeeded);
        streamEvents.endWork(succeeded);
    }

    /**
     * Writes what the transaction's units of work held back, summed over them (the usage counts: one upsert per
     * workspace, channel and hour however many changes counted; the stream's events, one row per workspace), in the
     * transaction: an engine calls it just before it commits.
     *
     * @return the counts written, for the engine to {@linkplain Store#onUsage report} once they are committed
     */
    public List<UsageRow> writeHeld() throws SQLException {
        streamEvents.writeHeld();
        return usage.writeHeld();
    }

    /** Drops what the transaction held back to write (it is rolled back). */
    public void discardHeld() {
        usage.discard();
        streamEvents.discard();
    }
}
