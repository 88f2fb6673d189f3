#!/usr/bin/env bash
# Makes sure Debian's Prometheus (with promtool) and Alertmanager (with
# amtool) are installed for the monitoring checks: `promtool check rules`
# and `promtool test rules` over plugins/tenant-jobs-backend/deploy/monitoring,
# `amtool check-config` and `amtool config routes test` of its
# alertmanager.yaml, and the integration test that scrapes the backend.
# Installs the `prometheus` and `prometheus-alertmanager` packages with apt
# when running as root; otherwise says what to run. The packages' own
# services are never used: the tests start a throwaway server on a loopback
# port.
# Prints nothing on success but the versions, on stderr.
set -euo pipefail
PROMETHEUS="${PROMETHEUS_PATH:-/usr/bin/prometheus}"
PROMTOOL="${PROMTOOL_PATH:-/usr/bin/promtool}"
AMTOOL="${AMTOOL_PATH:-/usr/bin/amtool}"
if [ -x "$PROMETHEUS" ] && [ -x "$PROMTOOL" ] && [ -x "$AMTOOL" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "[monitoring] Prometheus or Alertmanager is missing: run 'sudo apt-get install -y --no-install-recommends prometheus prometheus-alertmanager' (or set PROMETHEUS_PATH, PROMTOOL_PATH and AMTOOL_PATH)" >&2
  exit 1
fi
echo "[monitoring] installing Debian's prometheus and prometheus-alertmanager packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# policy-rc.d keeps the package from starting its own service where an
# init system would let it.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
status=0
apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null || status=$?
if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
[ "$status" = 0 ] || exit "$status"
"$PROMETHEUS" --version 2>&1 | head -1 >&2
"$PROMTOOL" --version 2>&1 | head -1 >&2
"$AMTOOL" --version 2>&1 | head -1 >&2
