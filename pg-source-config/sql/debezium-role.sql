-- A least-privilege login for Debezium. Run with psql, giving the password on the command line:
--   psql -v debezium_password='...' -f debezium-role.sql
-- Then set database.user=debezium and database.password in the connector JSON (or through a config provider).
SELECT format('CREATE ROLE debezium WITH LOGIN REPLICATION PASSWORD %L', :'debezium_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debezium') \gexec
GRANT USAGE ON SCHEMA public, debezium TO debezium;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO debezium;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO debezium;
GRANT SELECT, INSERT, UPDATE ON debezium.heartbeat TO debezium;
GRANT SELECT ON debezium.signal TO debezium;
