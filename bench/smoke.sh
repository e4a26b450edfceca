#!/usr/bin/env bash
# CI smoke of the bench pipeline (~1-2 min): a small workload (BENCH_N=20000 → 32,000 row changes), one round of
# Sluice with the official canal client, Sluice with its own client, and the decode ceiling; fails unless every run
# delivered exactly the expected rows. canal 1.1.7 itself is left out (its runs and the capture are too slow for CI);
# only the official client 1.1.8 and the ceiling's connector come from Maven Central. Builds nothing of Sluice when
# SKIP_BUILD=1 (CI runs it after `mvn verify`). Stops and deletes its MariaDB at the end.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BENCH_SHARED:-$(dirname "$REPO")/shared/bench}"
if [[ ! -f "$SHARED/run-all.sh" ]]; then
  echo "bench smoke skipped: no shared bench at $SHARED (set BENCH_SHARED)" >&2
  exit 0
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export BENCH_PORT="${BENCH_PORT:-$(free_port)}" SLUICE_PORT="${SLUICE_PORT:-$(free_port)}"
WORK="$(mktemp -d -t sluice-bench-smoke.XXXXXX)"
cleanup() {
  [[ -x "$WORK/bench/mariadb.sh" ]] && "$WORK/bench/mariadb.sh" purge >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
out="$(BENCH_WORK="$WORK" BENCH_SHARED="$SHARED" BENCH_N="${BENCH_N:-20000}" RUNS=1 UPDATE_DOCS=0 \
  SYSTEMS="sluice-canal-client sluice-own-client binlog-connector-decode" "$REPO/bench/run.sh" 2>&1)" || {
  echo "$out" >&2; echo "bench smoke: run.sh failed" >&2; exit 1; }
echo "$out" | grep -E '^\| (system|sluice|binlog)' || true
tsv="$(ls -d "$WORK"/bench/results/*/ | sort | tail -1)runs.tsv"
bad="$(awk -F'\t' 'NR > 1 && $3 != "true" {print $1}' "$tsv")"
runs="$(awk -F'\t' 'NR > 1' "$tsv" | wc -l)"
if [[ -n "$bad" || "$runs" != 3 ]]; then
  echo "$out" >&2
  echo "bench smoke failed: $runs runs, not ok: ${bad:-none}" >&2
  exit 1
fi
echo "bench smoke ok: 3/3 runs delivered the expected rows"
