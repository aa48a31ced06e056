#!/bin/sh
# docker-compose Postgres init: one login role per service, with its own password, owning its own schema and
# nothing else. This is how production is meant to run: a service cannot read another service's schema.
# The official postgres image runs this once, on an empty data volume.
#
# Each entry is <schema>:<variable holding that role's password>. The password reaches SQL only as a psql
# variable interpolated with :'password' (psql quotes it as a literal) and then through format('%L'), so a quote
# or backslash in it is data, never SQL.
set -eu
for entry in \
  ingest:INGEST_GATEWAY_DB_PASSWORD \
  validation:VALIDATION_DB_PASSWORD \
  identity:IDENTITY_RESOLVER_DB_PASSWORD \
  profile:PROFILE_MERGER_DB_PASSWORD \
  segments:SEGMENT_EVALUATOR_DB_PASSWORD \
  activation:ACTIVATION_DISPATCHER_DB_PASSWORD \
  connectors:CONNECTORS_DB_PASSWORD; do
  schema="${entry%%:*}"
  variable="${entry#*:}"
  password="$(printenv "$variable" || true)"
  if [ -z "$password" ]; then
    echo "01-service-roles.sh: $variable must be set (the password of the ${schema}_svc role)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="${schema}_svc" -v schema="$schema" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE SCHEMA %I AUTHORIZATION %I', :'schema', :'role') \gexec
SQL
done
