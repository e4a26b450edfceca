#!/usr/bin/env bash
# Walks a documentation page as a new user would: runs its marked shell blocks verbatim, in order, in one shell,
# against a private MariaDB configured with the page's own my.cnf block, and checks that the output the page shows
# appears. Markers (an HTML comment on the line before a fenced block):
#   <!-- walk -->               the block is shell commands, run as they stand
#   <!-- walk output -->        the block is output of the previous command block; each non-empty line must appear in
#                               that output, in order (an integer matches any integer, runs of blanks any run of blanks;
#                               "..." any text; a line "..." alone is skipped)
#   <!-- walk file=PATH -->     the block is a file's content, written to PATH (relative to the current directory)
#   <!-- walk my.cnf -->        the block is the [mysqld] settings the private MariaDB starts with
#
#   walk.sh PAGE.md TARBALL     TARBALL is copied into the walk's start directory first (the page says to download it)
#   WALK_PRINT=1                print each block's output (to paste real output into the page)
#   WALK_KEEP=1                 keep the work directory
#
# It runs in a network namespace of its own (unshare -n): 127.0.0.1:3306, 11111 and 11112 are free there as on a
# fresh machine, whatever runs on this one, and nothing leaves the machine. HOME is a fresh directory whose .my.cnf
# points the mysql client at the private MariaDB (as an administrator's would) and whose .m2/settings.xml works
# offline on the real local Maven repository.
set -euo pipefail

PAGE=$(realpath "$1")
TARBALL=$(realpath "$2")

if [ -z "${WALK_IN_NETNS:-}" ]; then
  # Maven projects on the page (file=.../pom.xml blocks): their plugins and dependencies are fetched now, while the
  # network is there (a fresh machine's local repository lacks them); inside the namespace Maven runs offline
  pre=$(mktemp -d "${TMPDIR:-/tmp}/sluice-walk-m2.XXXXXX")
  awk -v dir="$pre" '
    /^<!-- walk file=.*pom\.xml -->[[:space:]]*$/ { pending = 1; next }
    pending && /^```/ { n++; inblock = 1; pending = 0; system("mkdir -p " dir "/" n); next }
    inblock && /^```/ { inblock = 0; close(dir "/" n "/pom.xml"); next }
    inblock { print > (dir "/" n "/pom.xml") }' "$PAGE"
  for pom in "$pre"/*/pom.xml; do
    [ -f "$pom" ] || continue
    (cd "$(dirname "$pom")" && mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=classpath.txt > mvn.log 2>&1) \
      || { echo "walk: fetching what $(basename "$(dirname "$pom")")/pom.xml needs failed:"; tail -n 20 "$(dirname "$pom")/mvn.log"; }
  done
  rm -rf "$pre"
  if [ "$(id -u)" = 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
  exec env WALK_IN_NETNS=1 WALK_REAL_HOME="$HOME" "${ns[@]}" bash "$0" "$@"
fi
ip link set lo up

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-walk.XXXXXX")
DB_PID=""
cleanup() {
  set +e
  if [ -f "$WORK/script.sh" ]; then
    # whatever the page started (Sluice by bin/startup.sh) is stopped with the page's own stop command
    for stop in "$WORK"/run/sluice-*/bin/stop.sh; do [ -x "$stop" ] && bash "$stop" > /dev/null 2>&1; done
  fi
  if [ -n "$DB_PID" ]; then
    kill -TERM "$DB_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DB_PID" 2>/dev/null
  fi
  if [ "${WALK_KEEP:-0}" = 1 ]; then echo "walk: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- the page, split into blocks --------------------------------------------------------------------------------
# blocks/N.kind (cmd | out | file | mycnf), blocks/N.body, blocks/N.path
mkdir -p "$WORK/blocks" "$WORK/out" "$WORK/run" "$WORK/home"
awk -v dir="$WORK/blocks" '
  /^<!-- walk( [^>]*)? -->[[:space:]]*$/ {
    spec = $0; sub(/^<!-- walk ?/, "", spec); sub(/ ?-->[[:space:]]*$/, "", spec)
    kind = "cmd"; path = ""
    if (spec == "output") kind = "out"
    else if (spec == "my.cnf") kind = "mycnf"
    else if (spec ~ /^file=/) { kind = "file"; path = substr(spec, 6) }
    else if (spec != "") { print "walk: unknown marker " $0 > "/dev/stderr"; exit 2 }
    pending = 1; next
  }
  pending && /^```/ { n++; inblock = 1; pending = 0
    printf "%s", kind > (dir "/" n ".kind"); close(dir "/" n ".kind")
    printf "%s", path > (dir "/" n ".path"); close(dir "/" n ".path")
    printf "" > (dir "/" n ".body"); next }
  inblock && /^```/ { inblock = 0; close(dir "/" n ".body"); next }
  inblock { print > (dir "/" n ".body") }
  pending && NF { print "walk: marker not followed by a fenced block: " $0 > "/dev/stderr"; exit 2 }
' "$PAGE"
count=$(ls "$WORK/blocks"/*.kind 2>/dev/null | wc -l)
[ "$count" -gt 0 ] || { echo "walk: no marked blocks in $PAGE" >&2; exit 2; }

# --- a private MariaDB on 127.0.0.1:3306 with the page's my.cnf ---------------------------------------------
mycnf=$(grep -l mycnf "$WORK/blocks"/*.kind | head -n 1 || true)
[ -n "$mycnf" ] || { echo "walk: no <!-- walk my.cnf --> block in $PAGE" >&2; exit 2; }
cp "${mycnf%.kind}.body" "$WORK/my.cnf"
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
mariadb-install-db --no-defaults --datadir="$WORK/db" --auth-root-authentication-method=normal \
  --skip-test-db --user="$(id -un)" > "$WORK/install-db.log" 2>&1
# the page's settings come first (--defaults-file), the walk's sandbox (paths, port, user) on the command line
"$MARIADBD" --defaults-file="$WORK/my.cnf" --datadir="$WORK/db" --socket="$WORK/mysqld.sock" --port=3306 \
  --bind-address=127.0.0.1 --user="$(id -un)" --log-error="$WORK/mariadb.err" --pid-file="$WORK/mariadb.pid" \
  --log-bin="$WORK/db/mysql-bin" --innodb-buffer-pool-size=64M > /dev/null 2>&1 &
DB_PID=$!
cat > "$WORK/home/.my.cnf" <<EOF
[client]
socket=$WORK/mysqld.sock
EOF
mkdir -p "$WORK/home/.m2"
cat > "$WORK/home/.m2/settings.xml" <<EOF
<settings>
  <localRepository>${WALK_REAL_HOME:-$HOME}/.m2/repository</localRepository>
  <offline>true</offline>
</settings>
EOF
export HOME="$WORK/home"
for _ in $(seq 1 150); do mariadb -uroot -e "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
mariadb -uroot -e "SELECT 1" > /dev/null || { echo "walk: MariaDB did not start:"; tail -n 20 "$WORK/mariadb.err"; exit 1; }

# --- the page's commands as one script ----------------------------------------------------------------------------
cp "$TARBALL" "$WORK/run/"
script="$WORK/script.sh"
{
  echo "set -euo pipefail"
  echo "cd '$WORK/run'"
  for i in $(seq 1 "$count"); do
    kind=$(cat "$WORK/blocks/$i.kind")
    case "$kind" in
      cmd)
        echo "echo '### block $i' >&2"
        echo "{"
        cat "$WORK/blocks/$i.body"
        echo "} > '$WORK/out/$i.txt' 2>&1 < /dev/null"
        ;;
      file)
        path=$(cat "$WORK/blocks/$i.path")
        echo "mkdir -p \"\$(dirname '$path')\""
        echo "cat > '$path' <<'WALK_FILE_EOF'"
        cat "$WORK/blocks/$i.body"
        echo "WALK_FILE_EOF"
        ;;
    esac
  done
} > "$script"

status=0
bash "$script" 2> "$WORK/script.err" || status=$?
for i in $(seq 1 "$count"); do
  if [ -f "$WORK/out/$i.txt" ] && { [ "${WALK_PRINT:-0}" = 1 ] || [ "$status" != 0 ]; }; then
    echo "----- output of block $i:"
    cat "$WORK/out/$i.txt"
  fi
done
if [ "$status" != 0 ]; then
  echo "walk: FAILED: a command of $(grep '^### block' "$WORK/script.err" | tail -n 1 | cut -c5-) exited $status"
  grep -v '^### block' "$WORK/script.err" | tail -n 20 || true
  exit 1
fi

# --- the documented output appears ------------------------------------------------------------------------------
failed=0
last_cmd=0
checked=0
for i in $(seq 1 "$count"); do
  kind=$(cat "$WORK/blocks/$i.kind")
  if [ "$kind" = cmd ]; then last_cmd=$i; continue; fi
  [ "$kind" = out ] || continue
  if ! awk -v actual="$WORK/out/$last_cmd.txt" '
      # an integer (pid, port, offset, time) matches any integer, a run of blanks any run; a decimal (21.00) or a
      # dotted version/address (127.0.0.1) stays literal, and so does everything else
      function literal(text,   out, rest, tok, c) {
        out = ""; rest = text
        while (rest != "") {
          if (match(rest, /^[0-9]+(\.[0-9]+)+/)) {
            tok = substr(rest, 1, RLENGTH); gsub(/\./, "\\.", tok); out = out tok
          } else if (match(rest, /^[0-9]+/)) {
            out = out "[0-9]+"
          } else if (match(rest, /^[ \t]+/)) {
            out = out "[ \t]+"
          } else {
            RLENGTH = 1; c = substr(rest, 1, 1)
            out = out (c ~ /[][\\^$.|?*+(){}]/ ? "\\" c : c)
          }
          rest = substr(rest, RLENGTH + 1)
        }
        return out
      }
      function pattern(line,   parts, k, m, p) {
        m = split(line, parts, /\.\.\./)         # "..." inside a line: any text (paths, hashes)
        p = literal(parts[1])
        for (k = 2; k <= m; k++) p = p ".*" literal(parts[k])
        sub(/^\[ \t\]\+/, "[ \t]*", p)   # leading blanks may be absent
        return "^" p "[ \\t]*$"
      }
      # as a terminal shows it: without colour escapes (mvn -q writes some even with -B)
      BEGIN { n = 0; while ((getline l < actual) > 0) { gsub(/\033\[[0-9;]*m/, "", l); got[++n] = l } }
      NF == 0 || $0 == "..." { next }
      { re = pattern($0); found = 0
        while (pos < n) { pos++; if (got[pos] ~ re) { found = 1; break } }
        if (!found) { print "walk: block " FILENAME ": expected line not found (in order): " $0; bad = 1; exit } }
      END { exit bad }' "$WORK/blocks/$i.body"; then
    echo "----- actual output of block $last_cmd:"
    cat "$WORK/out/$last_cmd.txt"
    failed=1
  fi
  checked=$((checked + 1))
done
[ "$failed" = 0 ] || exit 1
echo "walk: $(grep -l '^cmd$' "$WORK/blocks"/*.kind | wc -l) command blocks ran, $checked documented outputs appeared: OK"
