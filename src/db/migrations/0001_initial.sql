-- tradebot schema, version 1. Runs with search_path set to the target schema (trading_bot by
-- default), so names are unqualified. Money, prices and quantities are unconstrained numeric
-- (exact, no float, no precision that could overflow); free text is text, never varchar(n),
-- because the original bot lost rollbacks to a varchar(50) overflow.

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- Incoming trading signals. The insert trigger wakes the bot through NOTIFY; the poller also
-- polls (status = 'new') and claims rows with FOR UPDATE SKIP LOCKED. Exchange, symbol and side
-- are stored as the producer wrote them: the bot validates them and marks a bad row 'rejected'
-- with a reason, instead of the insert failing and the record being lost (rule 10).
CREATE TABLE signals (
    id            bigserial PRIMARY KEY,
    source        text        NOT NULL DEFAULT 'db',
    external_id   text,
    exchange      text        NOT NULL,
    symbol        text        NOT NULL,
    side          text        NOT NULL,
    score_week    numeric,
    score_month   numeric,
    candle_time   timestamptz,
    wave_time     timestamptz,
    received_at   timestamptz NOT NULL DEFAULT now(),
    status        text        NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'taken', 'skipped', 'rejected', 'failed', 'expired')),
    status_reason text,
    status_at     timestamptz,
    claimed_by    text,
    position_id   bigint,
    payload       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- A signal that has left 'new' says why and when, so "skipped" is never a silent drop.
    CONSTRAINT signals_decided_has_time CHECK (status = 'new' OR status_at IS NOT NULL)
);
-- The same upstream signal delivered twice is one row (rule 4).
CREATE UNIQUE INDEX signals_source_external_id ON signals (source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX signals_status_received ON signals (status, received_at);
CREATE INDEX signals_wave_time ON signals (wave_time);

-- The channel is derived from the schema (trading_bot -> trading_bot_signals), so instances
-- and tests using different schemas do not wake each other.
CREATE FUNCTION notify_signal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_signals', NEW.id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER signals_notify AFTER INSERT ON signals FOR EACH ROW EXECUTE FUNCTION notify_signal();

-- One row per position and lifecycle:
-- pending_entry -> entry_placed -> protected -> closing -> closed | failed.
CREATE TABLE positions (
    id                    bigserial PRIMARY KEY,
    exchange              text        NOT NULL CHECK (exchange IN ('binance', 'bybit', 'paper')),
    symbol                text        NOT NULL CHECK (symbol ~ '^[A-Z0-9]{2,40}$'),
    side                  text        NOT NULL CHECK (side IN ('long', 'short')),
    mode                  text        NOT NULL CHECK (mode IN ('production', 'test')),
    state                 text        NOT NULL DEFAULT 'pending_entry'
                          CHECK (state IN ('pending_entry', 'entry_placed', 'protected', 'closing', 'closed',
                                           'failed')),
    signal_id             bigint      REFERENCES signals (id),
    qty                   numeric     NOT NULL DEFAULT 0 CHECK (qty >= 0),
    entry_price           numeric     CHECK (entry_price > 0),
    exit_price            numeric     CHECK (exit_price > 0),
    leverage              numeric     NOT NULL DEFAULT 1 CHECK (leverage > 0),
    stop_price            numeric     CHECK (stop_price > 0),
    stop_order_id         text,
    stop_client_order_id  text,
    trailing_activated    boolean     NOT NULL DEFAULT false,
    trailing_activated_at timestamptz,
    trailing_peak_price   numeric     CHECK (trailing_peak_price > 0),
    trailing_last_move_at timestamptz,
    opened_at             timestamptz,
    closed_at             timestamptz,
    close_reason          text,
    realized_pnl          numeric,
    fees                  numeric     NOT NULL DEFAULT 0,
    version               integer     NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- A protected position has a stop (rule 3); a finished one says when and why (§11.I #60).
    CONSTRAINT positions_protected_has_stop CHECK (state <> 'protected' OR stop_price IS NOT NULL),
    CONSTRAINT positions_finished_has_reason
        CHECK (state NOT IN ('closed', 'failed') OR (closed_at IS NOT NULL AND close_reason IS NOT NULL)),
    CONSTRAINT positions_trailing_has_peak CHECK (NOT trailing_activated OR trailing_peak_price IS NOT NULL)
);
-- One live position per (venue, symbol, mode), enforced by the database (rule 4).
CREATE UNIQUE INDEX positions_one_live_per_symbol ON positions (exchange, symbol, mode)
    WHERE state NOT IN ('closed', 'failed');
CREATE INDEX positions_state ON positions (state);
CREATE INDEX positions_closed_at ON positions (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX positions_signal_id ON positions (signal_id) WHERE signal_id IS NOT NULL;
CREATE TRIGGER positions_updated_at BEFORE UPDATE ON positions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE signals ADD CONSTRAINT signals_position_id_fkey FOREIGN KEY (position_id) REFERENCES positions (id);

-- The order journal. The row exists before the request leaves; after a crash or a timeout the
-- order is looked up on the venue by client_order_id, never re-sent blindly.
CREATE TABLE orders (
    id              bigserial PRIMARY KEY,
    position_id     bigint      REFERENCES positions (id),
    exchange        text        NOT NULL CHECK (exchange IN ('binance', 'bybit', 'paper')),
    symbol          text        NOT NULL,
    mode            text        NOT NULL CHECK (mode IN ('production', 'test')),
    client_order_id text        NOT NULL UNIQUE,
    venue_order_id  text,
    algo_id         text,
    purpose         text        NOT NULL
                    CHECK (purpose IN ('entry', 'stop', 'exit', 'trailing', 'aged_exit', 'manual_close')),
    side            text        NOT NULL CHECK (side IN ('buy', 'sell')),
    type            text        NOT NULL
                    CHECK (type IN ('market', 'limit', 'stop_market', 'take_profit_market', 'trailing_stop_market')),
    qty             numeric     NOT NULL CHECK (qty > 0),
    price           numeric     CHECK (price > 0),
    stop_price      numeric     CHECK (stop_price > 0),
    reduce_only     boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'new', 'partially_filled', 'filled', 'triggered',
                                      'canceled', 'rejected', 'expired', 'unknown')),
    filled_qty      numeric     NOT NULL DEFAULT 0 CHECK (filled_qty >= 0),
    avg_price       numeric     CHECK (avg_price > 0),
    error_code      text,
    error_message   text,
    attempt         integer     NOT NULL DEFAULT 0,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_position_id ON orders (position_id);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_venue_order_id ON orders (exchange, venue_order_id) WHERE venue_order_id IS NOT NULL;
CREATE TRIGGER orders_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Fills. Binance trade ids are unique per symbol only, so the natural key includes the symbol;
-- the mode keeps paper fills apart from real ones.
CREATE TABLE trades (
    id                bigserial PRIMARY KEY,
    order_id          bigint      REFERENCES orders (id),
    position_id       bigint      REFERENCES positions (id),
    exchange          text        NOT NULL CHECK (exchange IN ('binance', 'bybit', 'paper')),
    symbol            text        NOT NULL,
    mode              text        NOT NULL CHECK (mode IN ('production', 'test')),
    exchange_trade_id text        NOT NULL,
    side              text        NOT NULL CHECK (side IN ('buy', 'sell')),
    qty               numeric     NOT NULL CHECK (qty > 0),
    price             numeric     NOT NULL CHECK (price > 0),
    fee               numeric     NOT NULL DEFAULT 0,
    fee_asset         text,
    realized_pnl      numeric,
    is_maker          boolean,
    ts                timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT trades_exchange_trade_id UNIQUE (exchange, mode, symbol, exchange_trade_id)
);
CREATE INDEX trades_position_id ON trades (position_id);
CREATE INDEX trades_order_id ON trades (order_id);
CREATE INDEX trades_ts ON trades (ts);

-- Append-only audit log, written in batches off the trading path. position_id is a plain
-- bigint (no placeholder strings, §6.1) and not a foreign key, so an event never blocks on or
-- fails because of the row it describes.
CREATE TABLE events (
    id             bigserial PRIMARY KEY,
    ts             timestamptz NOT NULL DEFAULT now(),
    type           text        NOT NULL,
    severity       text        NOT NULL DEFAULT 'info'
                   CHECK (severity IN ('debug', 'info', 'warning', 'error', 'critical')),
    position_id    bigint,
    order_id       bigint,
    symbol         text,
    exchange       text,
    correlation_id text,
    message        text,
    data           jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_position_id ON events (position_id) WHERE position_id IS NOT NULL;
CREATE INDEX events_type_ts ON events (type, ts);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events is append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Leader lease for active/passive failover: the holder renews expires_at; another instance
-- takes over only after it passed.
CREATE TABLE instance_lease (
    name        text        PRIMARY KEY,
    holder      text        NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    renewed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
