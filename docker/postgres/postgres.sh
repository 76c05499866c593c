#!/bin/sh
# Initialises the cluster on first start (password authentication for POSTGRES_PASSWORD, default postgres), then
# runs the server in the foreground.
set -eu
BIN=/usr/lib/postgresql/15/bin
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "${POSTGRES_PASSWORD:-postgres}" >/tmp/pwfile
  "$BIN/initdb" -U postgres -E UTF8 --auth-local=trust --auth-host=scram-sha-256 --pwfile=/tmp/pwfile -D "$PGDATA" >/dev/null
  rm /tmp/pwfile
  cat /etc/pgredis/debezium.conf >>"$PGDATA/postgresql.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host replication all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # the setup runs on a socket of its own, so that the health check (pg_isready on /tmp) waits for the real start
  mkdir -p /tmp/init
  "$BIN/pg_ctl" -D "$PGDATA" -w -s -o "-c listen_addresses='' -k /tmp/init" start
  if [ "${DEMO_SCHEMA:-true}" = true ]; then
    psql -h /tmp/init -U postgres -q -v ON_ERROR_STOP=1 -f /etc/pgredis/demo-schema.sql
  fi
  psql -h /tmp/init -U postgres -q -v ON_ERROR_STOP=1 -f /etc/pgredis/setup.sql
  "$BIN/pg_ctl" -D "$PGDATA" -w -s -m fast stop
fi
exec "$BIN/postgres" -D "$PGDATA" -k /tmp
