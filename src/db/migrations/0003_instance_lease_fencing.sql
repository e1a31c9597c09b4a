-- tradebot schema, version 3. Active/standby on one database (docs/OPERATIONS.md, "Two instances,
-- one database"): instance_lease gets a fencing token, incremented on every acquisition, and the
-- trading tables refuse a write from a session whose token is no longer the current one.
--
-- A daemon names its lease in three session settings on its connection (set on every connect):
-- tradebot.lease_scope (the row's name), tradebot.lease_holder and tradebot.lease_token. The
-- check locks the lease row FOR SHARE, so a takeover (an UPDATE of that row) either commits
-- before the write's check and the write is refused, or waits until the write has committed:
-- a write of the old holder never lands after the new holder's token exists.
-- A session without tradebot.lease_scope (migrations, signal producers, the operator's commands
-- run without a daemon, tests) is not a lease holder and is not fenced.
ALTER TABLE instance_lease ADD COLUMN fencing_token bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION lease_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scope text := current_setting('tradebot.lease_scope', true);
    holder_name text := current_setting('tradebot.lease_holder', true);
    token bigint := nullif(current_setting('tradebot.lease_token', true), '')::bigint;
BEGIN
    IF scope IS NULL OR scope = '' THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM instance_lease l
     WHERE l.name = scope AND l.holder = holder_name AND l.fencing_token = token
       FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'lease lost: % does not hold lease % with token %', holder_name, scope, token
            USING ERRCODE = 'TBL01';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER positions_lease_fence BEFORE INSERT OR UPDATE ON positions
    FOR EACH ROW EXECUTE FUNCTION lease_fence();
CREATE TRIGGER orders_lease_fence BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION lease_fence();
CREATE TRIGGER trades_lease_fence BEFORE INSERT OR UPDATE ON trades
    FOR EACH ROW EXECUTE FUNCTION lease_fence();
-- Claims and outcomes only: producers insert signals from sessions outside the lease.
CREATE TRIGGER signals_lease_fence BEFORE UPDATE ON signals
    FOR EACH ROW EXECUTE FUNCTION lease_fence();
