#!/usr/bin/env bash
# Kafka broker benchmark: kcat against the durable embedded broker and librdkafka's in-memory mock cluster.
# Usage: bash bench/kafka-broker/run.sh [--records 1000000] [--partitions 1,4] [--runs 3] [--only mock|embedded] ...
# (`--help` lists every option.)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

command -v kcat >/dev/null 2>&1 || { echo "kcat not found (apt-get install kcat)" >&2; exit 2; }
[ -f /usr/include/librdkafka/rdkafka_mock.h ] || { echo "librdkafka-dev not found (apt-get install librdkafka-dev)" >&2; exit 2; }

# The reference broker is a tiny C launcher around rd_kafka_mock_cluster_new(); rebuild it when its source changes.
mkdir -p bench/.build
launcher=bench/.build/mock-cluster
source=bench/kafka-broker/mock-cluster.c
if [ ! -x "$launcher" ] || [ "$source" -nt "$launcher" ]; then
  cc -O2 -Wall -Wextra -o "$launcher" "$source" -lrdkafka
fi

exec node tools/run-ts.js bench/kafka-broker/kafka-bench.ts --mock-launcher "$launcher" "$@"
