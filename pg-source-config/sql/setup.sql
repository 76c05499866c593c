-- One-time setup of a database for the Debezium PostgreSQL connector (PostgreSQL 15 or later), run by the owner of
-- the captured tables or a superuser. Safe to run again.

-- Heartbeat and signal tables live in their own schema, so their topics (pg.debezium.*) stay apart from the data
-- topics the Redis sink reads (pg.public.*).
CREATE SCHEMA IF NOT EXISTS debezium;

-- Debezium writes here every heartbeat.interval.ms. On a quiet database this makes WAL flow through the slot, so
-- the slot's confirmed position advances and PostgreSQL can recycle WAL instead of keeping it for the slot.
CREATE TABLE IF NOT EXISTS debezium.heartbeat (
    id int PRIMARY KEY,
    ts timestamptz NOT NULL
);

-- Insert a row here to send Debezium a signal, for example an incremental snapshot of one table (the time-based
-- re-sync of Redis):
--   INSERT INTO debezium.signal VALUES ('resync-1', 'execute-snapshot',
--     '{"data-collections": ["public.customers"], "type": "incremental"}');
CREATE TABLE IF NOT EXISTS debezium.signal (
    id varchar(64) PRIMARY KEY,
    type varchar(32) NOT NULL,
    data varchar(2048)
);

-- Every table of the public schema, present and future, plus the heartbeat and signal tables.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'pgredis_pub') THEN
        CREATE PUBLICATION pgredis_pub FOR TABLES IN SCHEMA public, debezium;
    END IF;
END
$$;

-- Tables with a primary key keep REPLICA IDENTITY DEFAULT: the record key is the primary key, and an unchanged
-- TOASTed column arrives as a placeholder that the sink resolves from Redis. A table without a primary key needs
-- REPLICA IDENTITY FULL so that updates and deletes say which row they change (and Debezium's
-- message.key.columns to give its records a key).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.oid::regclass AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relreplident <> 'f'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
    LOOP
        EXECUTE format('ALTER TABLE %s REPLICA IDENTITY FULL', t.name);
    END LOOP;
END
$$;
