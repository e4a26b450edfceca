# Shared by the bin/ scripts: locates the installation, configuration, logs and the Java classpath.
# Works from a source checkout (after `mvn -DskipTests package`) and from the distribution tarball.

SLUICE_HOME="${SLUICE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SLUICE_CONF="${SLUICE_CONF:-$SLUICE_HOME/conf}"
SLUICE_LOGS="${SLUICE_LOGS:-$SLUICE_HOME/logs}"
SLUICE_PID_FILE="$SLUICE_LOGS/sluice.pid"
SLUICE_READY_FILE="$SLUICE_LOGS/sluice.ready"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The server's JVM options unless SLUICE_JAVA_OPTS replaces them (docs/production.md says why each is there):
# heap, and the rest (bench/sluice-server.sh --product-flags adds the rest to the bench's own heap settings).
SLUICE_DEFAULT_HEAP_OPTS="-Xms256m -Xmx1g"
# The Tier4 thresholds (10x the JVM's) leave code that runs a few thousand times to the C1 compiler, so C2 compiles
# only the really hot code: the compiler threads' CPU in the first million row changes halves, the compiled hot
# path is the same (docs/production.md, "JIT compiler").
SLUICE_DEFAULT_VM_OPTS="-XX:+UseG1GC -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000"
SLUICE_DEFAULT_JAVA_OPTS="$SLUICE_DEFAULT_HEAP_OPTS $SLUICE_DEFAULT_VM_OPTS"

# Prints the classpath of a module's runnable jar: lib/ of a tarball, or <module>/target of a checkout.
sluice_classpath() {
  local module="$1"
  if [ -d "$SLUICE_HOME/lib" ]; then
    echo "$SLUICE_HOME/lib/*"
    return 0
  fi
  local target="$SLUICE_HOME/$module/target"
  local jar
  jar=$(ls "$target"/sluice-"$module"-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)
  if [ -z "$jar" ] || [ ! -d "$target/lib" ]; then
    echo "Sluice is not built: run 'mvn -B -DskipTests package' in $SLUICE_HOME first" >&2
    return 1
  fi
  echo "$jar:$target/lib/*"
}

# Class-data sharing (AppCDS) for the server. Prints the JVM options that map the archive made for this JDK, this
# classpath and these JVM options; when there is none yet, the options that make the JVM write it as it exits (the
# next bin/stop.sh), so from the second start on the JVM maps those classes instead of loading and verifying them.
# An archive that does not match (other jars, JDK or options) is never used: its name is a hash of all three, and
# the JVM checks jars and JDK again itself. -Xshare:auto: an archive the JVM cannot map only costs the speed-up.
#   SLUICE_CDS      auto (default) or off;  SLUICE_CDS_DIR  where archives live, default $SLUICE_LOGS/cds
# Usage: sluice_cds_opts <classpath> <java options>
sluice_cds_opts() {
  local cp="$1" opts="$2" dir="${SLUICE_CDS_DIR:-$SLUICE_LOGS/cds}"
  [ "${SLUICE_CDS:-auto}" = off ] && return 0
  case " $opts " in *" -Xshare:"*|*"SharedArchiveFile="*|*"ArchiveClassesAtExit="*) return 0 ;; esac
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 0
  local java jdk key archive entry f
  java=$(readlink -f "$(command -v "$JAVA")" 2>/dev/null) || return 0
  jdk=$(dirname "$(dirname "$java")")
  key=$(
    echo "$opts"
    stat -L -c '%n %s %Y' "$java" "$jdk/lib/modules" 2>/dev/null
    IFS=: read -ra entries <<< "$cp"
    for entry in "${entries[@]}"; do
      for f in $entry; do stat -L -c '%n %s %Y' "$f" 2>/dev/null || true; done
    done
  )
  archive="$dir/sluice-server-$(printf '%s' "$key" | cksum | tr ' ' '-').jsa"
  # A dynamic archive starts with the magic 0xf00baba8; a file cut short (the JVM killed while writing it) does not.
  if [ -s "$archive" ] && [ "$(od -An -tx4 -N4 "$archive" 2>/dev/null | tr -d ' ')" = f00baba8 ]; then
    echo "-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds*=off"
  else
    find "$dir" -maxdepth 1 -name 'sluice-server-*.jsa' -delete 2>/dev/null || true
    echo "-XX:ArchiveClassesAtExit=$archive -Xlog:cds*=off"
  fi
}

sluice_running_pid() {
  [ -f "$SLUICE_PID_FILE" ] || return 1
  local pid
  pid=$(cat "$SLUICE_PID_FILE" 2>/dev/null)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Credentials for the admin endpoints (bin/status.sh, bin/snapshot.sh), passed to Java in the environment, never
# on its command line. Usage: sluice_admin_env <host:port>. Unless the caller set SLUICE_ADMIN_TOKEN(_FILE) or
# SLUICE_ADMIN_PASSWORD(_FILE), a target on this host uses the token the server wrote to $SLUICE_LOGS.
sluice_admin_env() {
  local target="$1"
  if [ -z "${SLUICE_ADMIN_TOKEN:-}${SLUICE_ADMIN_TOKEN_FILE:-}${SLUICE_ADMIN_PASSWORD:-}${SLUICE_ADMIN_PASSWORD_FILE:-}" ]; then
    case "$target" in
      127.0.0.1:*|localhost:*|\[::1\]:*) export SLUICE_ADMIN_TOKEN_FILE="$SLUICE_LOGS/sluice.admin.token" ;;
    esac
  fi
  if [ -z "${SLUICE_ADMIN_USER:-}" ] && [ -f "$SLUICE_CONF/canal.properties" ]; then
    SLUICE_ADMIN_USER=$(sed -n 's/^[[:space:]]*canal\.user[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$SLUICE_CONF/canal.properties" | tail -n 1)
    export SLUICE_ADMIN_USER
  fi
}
