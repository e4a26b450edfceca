# Shared by the bin/ scripts: locates the installation, configuration, logs and the Java classpath.
# Works from a source checkout (after `mvn -DskipTests package`) and from the distribution tarball.

SLUICE_HOME="${SLUICE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SLUICE_CONF="${SLUICE_CONF:-$SLUICE_HOME/conf}"
SLUICE_LOGS="${SLUICE_LOGS:-$SLUICE_HOME/logs}"
SLUICE_PID_FILE="$SLUICE_LOGS/sluice.pid"
SLUICE_READY_FILE="$SLUICE_LOGS/sluice.ready"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

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
