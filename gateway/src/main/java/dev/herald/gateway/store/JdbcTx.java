package dev.herald.gateway.store;

import java.util.function.Function;

/**
 * The {@link StoreTx} of a JDBC engine: the shared table classes on one connection, with the engine's claims.
 * Engines create one per connection and run every unit of work of that connection on it.
 */
public final class JdbcTx implements StoreTx {
    private final Sql sql;
    private final Dispatches dispatches;
    private final Deliveries deliveries;
    private final Users users;
    private final Events events;
    private final Keys keys;
    private final HeldReceipts heldReceipts;
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
        this.dispatches = new Dispatches(sql);
        this.deliveries = new Deliveries(sql);
        this.users = new Users(sql);
        this.events = new Events(sql);
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
    public Users users() {
        return users;
    }

    @Override
    public Events events() {
        return events;
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
}
