-- tradebot schema, version 2. The signal NOTIFY carries the new row itself (JSON, the columns the
-- bot reads, times as epoch microseconds, scores as numeric text), so the bot decides a signal
-- without first reading it back: the claim is made by the statement that writes the entry's rows
-- (or by the outcome's write), with the same guard as a read claim. A row that is not new and
-- unclaimed, or whose JSON would come near the 8000-byte NOTIFY limit, still sends its id only,
-- which makes the bot read and claim the table as before.
CREATE OR REPLACE FUNCTION notify_signal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payload text := NEW.id::text;
BEGIN
    IF NEW.status = 'new' AND NEW.claimed_by IS NULL THEN
        payload := json_build_object(
            'id', NEW.id, 'source', NEW.source, 'external_id', NEW.external_id,
            'exchange', NEW.exchange, 'symbol', NEW.symbol, 'side', NEW.side,
            'score_week', NEW.score_week::text, 'score_month', NEW.score_month::text,
            'candle_time', (extract(epoch FROM NEW.candle_time) * 1000000)::bigint,
            'wave_time', (extract(epoch FROM NEW.wave_time) * 1000000)::bigint,
            'received_at', (extract(epoch FROM NEW.received_at) * 1000000)::bigint)::text;
        IF octet_length(payload) > 7000 THEN
            payload := NEW.id::text;
        END IF;
    END IF;
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_signals', payload);
    RETURN NULL;
END;
$$;
