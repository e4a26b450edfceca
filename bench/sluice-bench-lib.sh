# Sourced by the bench's Sluice server scripts (sluice-server.sh, sluice-mq-server.sh, passes.sh): what every
# Sluice server of the bench has in common, so that the systems compared differ only where they mean to.
# Needs bin/env.sh sourced first (sluice_cds_opts, SLUICE_DEFAULT_VM_OPTS) and, for the instance file,
# BENCH_PORT START_FILE START_POS.

# The instance.properties lines of a bench destination: the bench MariaDB as canal/canal, from the loaded range's
# start, filter bench\..* (one line per key, as a user writes them).
sluice_bench_instance_properties() {
  cat <<PROPS
canal.instance.master.address = 127.0.0.1:$BENCH_PORT
canal.instance.dbUsername = canal
canal.instance.dbPassword = canal
canal.instance.master.journal.name = $START_FILE
canal.instance.master.position = $START_POS
canal.instance.filter.regex = bench\\\\..*
PROPS
}

# The server's JVM flags: BENCH_JVM_FLAGS; with an xmx, without the bench's -Xms/-Xmx and with -Xmx<xmx> instead;
# with product=1, what bin/startup.sh adds for a production server (bin/env.sh's JVM defaults the flags lack, and
# the class-data archive kept in cds_dir, written as the first such server stops).
# Usage: sluice_bench_server_flags <xmx or ""> <product 0|1> <cds_dir> <classpath> <logs dir>
sluice_bench_server_flags() {
  local xmx="$1" product="$2" cds_dir="$3" cp="$4" logs="$5" flags="${BENCH_JVM_FLAGS:-}" o
  if [[ -n "$xmx" ]]; then
    flags="$(tr ' ' '\n' <<<"$flags" | grep -v -e '^-Xms' -e '^-Xmx' | tr '\n' ' ') -Xmx$xmx"
  fi
  if [[ "$product" == 1 ]]; then
    for o in $SLUICE_DEFAULT_VM_OPTS; do [[ " $flags " == *" $o "* ]] || flags="$flags $o"; done
    flags="$flags $(SLUICE_LOGS="$logs" SLUICE_CDS_DIR="$cds_dir" sluice_cds_opts "$cp" "$flags")"
  fi
  echo "$flags"
}
