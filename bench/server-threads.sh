#!/usr/bin/env bash
# server-threads.sh PID: the CPU seconds (user+sys, from /proc) of the Java process at or under PID, by thread
# group: JIT compiler, GC, Sluice's parser, network I/O, MQ publishing, main (JVM start, configuration, warm-up) and
# the rest. run.sh's patched run-all.sh calls it right before it stops a server, so every server run gets a
# <system>.<run>.server.threads file beside its logs and run.sh prints the medians per system.
set -uo pipefail
root="$1"
pids="$root $(pgrep -P "$root" || true)"
for p in $(pgrep -P "$root" || true); do pids="$pids $(pgrep -P "$p" || true)"; done
java=""
for p in $pids; do
  [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == java ]] && { java="$p"; break; }
done
[[ -n "$java" ]] || exit 1
tck="$(getconf CLK_TCK)"
for t in /proc/"$java"/task/*; do
  name="$(cat "$t/comm" 2>/dev/null)" || continue
  stat="$(cat "$t/stat" 2>/dev/null)" || continue
  # fields after the ')' that closes the thread name: state is 3rd overall, utime 14th, stime 15th
  read -r -a f <<<"${stat##*) }"
  printf '%s\t%s\n' "$name" "$((f[11] + f[12]))"
done | awk -F'\t' -v tck="$tck" '
  { n = $1; g = "other" }
  n ~ /^C[12] CompilerThre/ { g = "jit" }
  n ~ /^(GC Thread|G1 |VM Thread)/ { g = "gc" }
  n ~ /^sluice-parser/ { g = "parser" }
  n ~ /^sluice-net-io/ { g = "net-io" }
  n ~ /^(mq-|kafka-producer)/ { g = "mq" }
  n == "java" { g = "main" }
  { sum[g] += $2; total += $2 }
  END {
    split("jit gc parser net-io mq main other", order, " ")
    for (i = 1; i <= 7; i++) printf "%s\t%.2f\n", order[i], sum[order[i]] / tck
    printf "total\t%.2f\n", total / tck
  }'
