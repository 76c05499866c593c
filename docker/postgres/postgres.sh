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
  "$BIN/pg_ctl" -D "$PGDATA" -w -s -o "-c listen_addresses='' -k /tmp" start
  if [ "${DEMO_SCHEMA:-true}" = true ]; then
    psql -h /tmp -U postgres -q -v ON_ERROR_STOP=1 -f /etc/pgredis/demo-schema.sql
  fi
  psql -h /tmp -U postgres -q -v ON_ERROR_STOP=1 -f /etc/pgredis/setup.sql
  "$BIN/pg_ctl" -D "$PGDATA" -w -s -m fast stop
fi
exec "$BIN/postgres" -D "$PGDATA" -k /tmp
