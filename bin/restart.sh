#!/usr/bin/env bash
# Stops Sluice if it runs, then starts it again.
set -euo pipefail
dir="$(dirname "${BASH_SOURCE[0]}")"
bash "$dir/stop.sh"
exec bash "$dir/startup.sh"
