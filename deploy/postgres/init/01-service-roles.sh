#!/bin/sh
# docker-compose Postgres init: one login role per service, owning its own schema, and nothing else.
# This is how production is meant to run: a service cannot read another service's schema.
# The official postgres image runs this once, on an empty data volume.
set -eu
password="${TESSERA_SERVICE_DB_PASSWORD:?TESSERA_SERVICE_DB_PASSWORD must be set}"
for pair in ingest validation identity profile segments activation; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE ${pair}_svc LOGIN PASSWORD '${password}';
CREATE SCHEMA ${pair} AUTHORIZATION ${pair}_svc;
SQL
done
