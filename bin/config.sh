#!/usr/bin/env bash
# Moves destinations' instance.properties between the local conf directory and ZooKeeper (cluster configuration).
#   bin/config.sh [--zk host:port] push [destination...]   upload (all destinations by default)
#   bin/config.sh [--zk host:port] pull [destination...]   download into $SLUICE_CONF/<destination>/
#   bin/config.sh [--zk host:port] list                    what ZooKeeper holds, with versions
#   bin/config.sh [--zk host:port] diff [destination...]   local vs ZooKeeper; exit 1 when they differ
#                                                          (secret values as ****; --show-secrets shows them)
# ZooKeeper identity (docs/security.md): sluice.zookeeper.digest of canal.properties, or SLUICE_ZK_DIGEST=user:password.
# ZooKeeper defaults to canal.zkServers of $SLUICE_CONF/canal.properties.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cp=$(sluice_classpath server)
export SLUICE_CONF
exec "$JAVA" -Xmx256m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.server.config.zookeeper.ConfigCommand "$@"
