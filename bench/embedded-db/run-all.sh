#!/usr/bin/env bash
# Everything ADR 0003 reports, in one go (about 20 minutes on the 2-core machine; longer while
# other work keeps the machine busy: each throughput and start-up measurement first waits, up to
# 3 minutes, for an idle machine, and every flows result records the CPU others used meanwhile).
# Results: bench/embedded-db/results/*.json. PGlite must be installed aside first (see README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
run() { node -r @swc-node/register "bench/embedded-db/$1" "${@:2}"; }

run compat.ts embedded-postgres
run compat.ts pglite
run compat.ts typeorm-pglite || true   # fails by design: it shares one session between transactions

run startup.ts --restarts 5

# Throughput: the two engines alternate, twice, so that drifting machine load hits both alike.
for i in 1 2; do
  run flows.ts embedded-postgres --label "embedded-postgres-run$i"
  run flows.ts pglite --label "pglite-run$i"
done
run flows.ts embedded-postgres --sync-commit off          # how much of it is waiting for fsync?
run flows.ts embedded-postgres --concurrency 100 --pool 20
run flows.ts typeorm-pglite --flows 1000                  # for the record: its transactions interleave

run crash.ts embedded-postgres pglite --rounds 3
