# shellcheck shell=bash
# The local clusters a test driver needs: started unless they are up, and
# only those it started stopped again at the end. Shared by the
# integration and e2e drivers.

STARTED_CLUSTERS=()

# ensure_clusters NAME... : starts each named cluster that is not up.
ensure_clusters() {
  local name
  for name in "$@"; do
    if ! scripts/cluster/cluster.sh --name "$name" status >/dev/null 2>&1; then
      scripts/cluster/cluster.sh --name "$name" up || return 1
      STARTED_CLUSTERS+=("$name")
    fi
  done
}

# Stops the clusters ensure_clusters started.
stop_started_clusters() {
  local name
  for name in "${STARTED_CLUSTERS[@]}"; do
    scripts/cluster/cluster.sh --name "$name" down >/dev/null 2>&1 || true
  done
}
