#!/usr/bin/env bash
# Local Kubernetes for development and tests: a real control plane (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler) built from the Go
# module proxy, with nodes and pods simulated by KWOK. See README.md here.
#
# Usage: scripts/cluster/cluster.sh [--name NAME | --clusters N | --all] COMMAND
#   COMMAND: build|up|down|status|kubeconfig|kubectl ARGS...|list
#            stop-apiserver|start-apiserver|restart-apiserver
#            kueue-build|kueue-up|kueue-down|kueue-status
#            multikueue-up WORKER|multikueue-down
# Several named clusters run side by side, each with its own ports and state.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "${SCRIPT_DIR}/../.." && pwd -P)

# shellcheck source=versions.env
source "${SCRIPT_DIR}/versions.env"
# shellcheck source=kueue.env
source "${SCRIPT_DIR}/kueue.env"

CACHE_ROOT=${TENANT_JOBS_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/tenant-jobs}
K8S_DIR=${CACHE_ROOT}/k8s-${K8S_VERSION}
ETCD_DIR=${CACHE_ROOT}/etcd-${ETCD_VERSION}
KWOK_DIR=${CACHE_ROOT}/kwok-${KWOK_VERSION}
KUEUE_DIR=${CACHE_ROOT}/kueue-${KUEUE_VERSION}

# The first cluster keeps its state in .local/cluster; any other named
# cluster in .local/cluster/<name>, beside it.
CLUSTERS_ROOT=${REPO_ROOT}/.local/cluster
DEFAULT_CLUSTER=tenant-jobs
# Folders of the first cluster's state that no other cluster may be named.
RESERVED_NAMES=" kwok kueue pod-logs kubectl-cache kubeconfig kwokctl.log cluster.fingerprint apiserver.stopped "

# select_cluster NAME: every path below is of that cluster.
select_cluster() {
  CLUSTER_NAME=$1
  if [[ ! "${CLUSTER_NAME}" =~ ^[a-z][a-z0-9-]{0,38}[a-z0-9]$ ]]; then
    die "a cluster name is 2 to 40 lower-case letters, digits and dashes, starting with a letter: '${CLUSTER_NAME}'"
  fi
  if [[ "${RESERVED_NAMES}" == *" ${CLUSTER_NAME} "* ]]; then
    die "'${CLUSTER_NAME}' names a file or folder of the first cluster's state; pick another name"
  fi
  if [[ "${CLUSTER_NAME}" == "${DEFAULT_CLUSTER}" ]]; then
    STATE_DIR=${CLUSTERS_ROOT}
  else
    STATE_DIR=${CLUSTERS_ROOT}/${CLUSTER_NAME}
  fi
  KUBECONFIG_PATH=${STATE_DIR}/kubeconfig
  # kwokctl keeps everything of the cluster (pki, etcd data, pids, logs)
  # under its work dir: kept inside this clone so clones never share one.
  KWOK_WORKDIR=${STATE_DIR}/kwok
  CLUSTER_DIR=${KWOK_WORKDIR}/clusters/${CLUSTER_NAME}
  FINGERPRINT_PATH=${STATE_DIR}/cluster.fingerprint
  # The apiserver's command line while stop-apiserver holds it down.
  STOPPED_APISERVER=${STATE_DIR}/apiserver.stopped
  # Kueue's pid, log, certificates and configuration (kueue-up).
  KUEUE_STATE_DIR=${STATE_DIR}/kueue
  # kubectl keeps its discovery cache here rather than in ~/.kube.
  export KUBECACHEDIR=${STATE_DIR}/kubectl-cache
}

# The names of the clusters that have state in this clone, first one first.
cluster_names() {
  local dir
  [[ -d "${CLUSTERS_ROOT}/kwok/clusters/${DEFAULT_CLUSTER}" ]] && echo "${DEFAULT_CLUSTER}"
  for dir in "${CLUSTERS_ROOT}"/*/kwok/clusters/*/; do
    [[ -d "${dir}" ]] || continue
    dir=${dir%/}
    echo "${dir##*/}"
  done
}

# The first N cluster names: tenant-jobs, tenant-jobs-2, ..., tenant-jobs-N.
first_names() {
  local n=$1 i
  [[ "${n}" =~ ^[1-9][0-9]?$ ]] || die "CLUSTERS is a count from 1 to 99, not '${n}'"
  echo "${DEFAULT_CLUSTER}"
  for ((i = 2; i <= n; i++)); do echo "${DEFAULT_CLUSTER}-${i}"; done
}
# Kueue v0.17 loads its metrics certificate from this fixed path whenever
# its internal certificate management is off, even with metrics off.
KUEUE_METRICS_CERT_DIR=/etc/kueue/metrics/certs

UP_TIMEOUT=${TENANT_JOBS_CLUSTER_TIMEOUT:-180}

# Messages name the cluster when it is not the first.
tag() { [[ "${CLUSTER_NAME:-${DEFAULT_CLUSTER}}" == "${DEFAULT_CLUSTER}" ]] && echo cluster || echo "cluster ${CLUSTER_NAME}"; }
log() { printf '[%s] %s\n' "$(tag)" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$(tag)" "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
Usage: ${0##*/} [--name NAME | --clusters N | --all] COMMAND

Commands:
  build        build the pinned binaries into ${CACHE_ROOT} (no-op when cached)
  up           build, then start the local cluster (reused when already healthy)
  down         stop the cluster and delete its state
  status       print the cluster state; exit 0 when it is up and healthy
  list         print the names of the clusters that have state in this clone
  kubeconfig   print the path of the admin kubeconfig
  kubectl ...  run the pinned kubectl against the local cluster
  stop-apiserver
               kill the kube-apiserver and keep it down (failure tests);
               etcd, the nodes and the cluster's state stay
  start-apiserver
               start a stopped kube-apiserver again with its command line
  restart-apiserver
               stop-apiserver, then start-apiserver
  kueue-build  build Kueue into ${CACHE_ROOT} (no-op when cached)
  kueue-up     build Kueue, install its CRDs and run it against the cluster
               (reused when already running for this cluster)
  kueue-down   stop Kueue (its CRDs and objects stay)
  kueue-status exit 0 when Kueue runs for this cluster and is ready
  multikueue-up WORKER
               Kueue on this cluster and on WORKER, and this cluster's
               MultiKueue (AdmissionCheck tenant-jobs-multikueue) dispatching
               to WORKER
  multikueue-down
               remove this cluster's MultiKueue objects

Which cluster:
  (none)       the first cluster, ${DEFAULT_CLUSTER}: state in .local/cluster
  --name NAME  a named cluster beside it: state in .local/cluster/NAME,
               its own ports, kubeconfig .local/cluster/NAME/kubeconfig
  --clusters N the first N: ${DEFAULT_CLUSTER}, ${DEFAULT_CLUSTER}-2, ... ${DEFAULT_CLUSTER}-N
  --all        every cluster with state here (for down and status)

Versions: Kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION}, KWOK ${KWOK_VERSION}, Kueue ${KUEUE_VERSION}
EOF
}

# A sanitized environment for kwokctl: no KWOK_* setting of the caller leaks in,
# and it never reads or writes ~/.kwok or ~/.kube/config.
run_kwokctl() {
  local -a unset_args=()
  local var
  for var in $(compgen -e); do
    case "${var}" in KWOK_*) unset_args+=(-u "${var}") ;; esac
  done
  # The components kwokctl starts outlive this script: they must not inherit
  # the lock files (fds 8 and 9), or a failed `up` would leave them locked.
  env "${unset_args[@]}" \
    KWOK_WORKDIR="${KWOK_WORKDIR}" \
    KUBECONFIG="${KUBECONFIG_PATH}" \
    PATH="${K8S_DIR}/bin:${PATH}" \
    "${KWOK_DIR}/bin/kwokctl" --name "${CLUSTER_NAME}" "$@" 8>&- 9>&-
}

kc() {
  "${K8S_DIR}/bin/kubectl" --kubeconfig "${KUBECONFIG_PATH}" "$@"
}

# ---------------------------------------------------------------------------
# build

# Fingerprint of everything a build depends on; a cache dir whose stamp differs
# is rebuilt.
build_fingerprint() {
  local module=$1
  {
    go env GOVERSION GOOS GOARCH
    echo "${K8S_VERSION} ${ETCD_VERSION} ${KWOK_VERSION}"
    cat "${SCRIPT_DIR}/gomod/${module}/go.mod" "${SCRIPT_DIR}/gomod/${module}/go.sum"
    # the build recipe itself
    declare -f "build_${module}"
  } | sha256sum | cut -d' ' -f1
}

# go build in one of our wrapper modules, with a fixed environment.
go_build() {
  local module=$1
  shift
  (
    cd "${SCRIPT_DIR}/gomod/${module}"
    CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" \
      go build -trimpath "$@"
  )
}

module_time() {
  # Commit time of a module version, as the proxy reports it: a reproducible
  # build date.
  (cd "${SCRIPT_DIR}/gomod/$1" && GOWORK=off GOFLAGS=-mod=readonly \
    go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$2")
}

build_kubernetes() {
  local out=$1
  local ver=${K8S_VERSION#v}
  local major=${ver%%.*}
  local minor=${ver#*.}
  minor=${minor%%.*}
  local date
  date=$(module_time kubernetes k8s.io/kubernetes)
  local -a ldflags=(-s -w)
  local pkg key val
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for key in gitVersion gitMajor gitMinor gitTreeState buildDate; do
      case "${key}" in
        gitVersion) val=${K8S_VERSION} ;;
        gitMajor) val=${major} ;;
        gitMinor) val=${minor} ;;
        gitTreeState) val=clean ;;
        buildDate) val=${date:-1970-01-01T00:00:00Z} ;;
      esac
      ldflags+=("-X=${pkg}.${key}=${val}")
    done
  done
  go_build kubernetes -tags selinux,notest -ldflags "${ldflags[*]}" -o "${out}/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  local out=$1
  go_build etcd \
    -ldflags "-s -w -X=go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}" \
    -o "${out}/etcd" go.etcd.io/etcd/server/v3
}

build_kwok() {
  local out=$1
  local -a ldflags=(-s -w
    "-X=sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"
    "-X=sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}")
  go_build kwok -ldflags "${ldflags[*]}" -o "${out}/" \
    sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
}

build_kueue() {
  local out=$1
  local date
  date=$(module_time kueue sigs.k8s.io/kueue)
  local pkg=sigs.k8s.io/kueue/pkg/version
  go_build kueue \
    -ldflags "-s -w -X=${pkg}.GitVersion=${KUEUE_VERSION} -X=${pkg}.GitCommit=${KUEUE_VERSION} -X=${pkg}.BuildDate=${date:-1970-01-01T00:00:00Z}" \
    -o "${out}/" sigs.k8s.io/kueue/cmd/kueue
}

# build_one MODULE DIR BINARY...: builds into DIR/bin unless its stamp matches.
build_one() {
  local module=$1 dir=$2
  shift 2
  local fp bin missing=0
  fp=$(build_fingerprint "${module}")
  for bin in "$@"; do
    [[ -x "${dir}/bin/${bin}" ]] || missing=1
  done
  if [[ ${missing} == 0 && -f "${dir}/stamp" && "$(cat "${dir}/stamp")" == "${fp}" ]]; then
    return 0
  fi
  mkdir -p "${dir}"
  local tmp="${dir}/bin.tmp"
  rm -rf "${tmp}"
  mkdir -p "${tmp}"
  local logfile="${dir}/build.log"
  log "building ${module} (${dir##*/}); this takes a while the first time, log: ${logfile}"
  local start=${SECONDS}
  if ! "build_${module}" "${tmp}" >"${logfile}" 2>&1; then
    tail -n 40 "${logfile}" >&2 || true
    die "build of ${module} failed (full log: ${logfile})"
  fi
  for bin in "$@"; do
    [[ -x "${tmp}/${bin}" ]] || die "build of ${module} produced no ${bin}"
  done
  rm -rf "${dir:?}/bin"
  mv "${tmp}" "${dir}/bin"
  printf '%s\n' "${fp}" >"${dir}/stamp"
  log "built ${module} in $((SECONDS - start))s"
}

cmd_build() {
  command -v go >/dev/null || die "the go command is needed to build the cluster binaries"
  mkdir -p "${CACHE_ROOT}"
  # One build at a time per cache, whoever asks.
  exec 8>"${CACHE_ROOT}/.build.lock"
  flock 8
  build_one kwok "${KWOK_DIR}" kwok kwokctl
  build_one etcd "${ETCD_DIR}" etcd
  build_one kubernetes "${K8S_DIR}" kube-apiserver kube-controller-manager kube-scheduler kubectl
  flock -u 8
  exec 8>&-
}

# ---------------------------------------------------------------------------
# up / down / status

# Fingerprint of the cluster's configuration: a running cluster started from an
# older configuration is recreated.
cluster_fingerprint() {
  {
    cat "${SCRIPT_DIR}/versions.env"
    cat "${K8S_DIR}/stamp" "${ETCD_DIR}/stamp" "${KWOK_DIR}/stamp"
    cat "${SCRIPT_DIR}"/kwok/*.yaml "${SCRIPT_DIR}/nodes.yaml"
    declare -f create_cluster
  } | sha256sum | cut -d' ' -f1
}

# Removes pid files that do not name a live process started from this
# cluster's bin dir (a killed run, a reboot, or a pid reused by an unrelated
# process), so that kwokctl neither trusts nor kills them.
sanitize_pids() {
  local pidfile
  [[ -d "${CLUSTER_DIR}/pids" ]] || return 0
  for pidfile in "${CLUSTER_DIR}"/pids/*.pid; do
    [[ -e "${pidfile}" ]] || continue
    is_component "$(cat "${pidfile}" 2>/dev/null || true)" || rm -f "${pidfile}"
  done
}

# is_component PID: PID is a live process started from this cluster's bin dir.
is_component() {
  local pid=$1 argv0=""
  if [[ "${pid}" =~ ^[0-9]+$ && -r "/proc/${pid}/cmdline" ]]; then
    argv0=$(tr '\0' '\n' <"/proc/${pid}/cmdline" | head -n 1)
  fi
  [[ -n "${argv0}" && "${argv0}" == "${CLUSTER_DIR}/bin/"* ]]
}

# Number of live component processes of this cluster (after sanitize_pids).
live_components() {
  local n=0 pidfile
  for pidfile in "${CLUSTER_DIR}"/pids/*.pid; do
    [[ -e "${pidfile}" ]] && n=$((n + 1))
  done
  echo "${n}"
}

apiserver_ready() {
  [[ -f "${KUBECONFIG_PATH}" ]] || return 1
  kc get --raw /readyz --request-timeout=5s >/dev/null 2>&1
}

cluster_healthy() {
  [[ -d "${CLUSTER_DIR}" ]] || return 1
  sanitize_pids
  # etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller
  [[ "$(live_components)" -ge 5 ]] || return 1
  apiserver_ready
}

delete_cluster() {
  local -a pids=()
  local pidfile pid i
  if [[ -d "${CLUSTER_DIR}" ]]; then
    sanitize_pids
    for pidfile in "${CLUSTER_DIR}"/pids/*.pid; do
      [[ -e "${pidfile}" ]] && pids+=("$(cat "${pidfile}")")
    done
    if [[ -x "${KWOK_DIR}/bin/kwokctl" ]]; then
      run_kwokctl delete cluster >>"${STATE_DIR}/kwokctl.log" 2>&1 || true
    fi
  fi
  # kwokctl signals the components without waiting for them; they are ours
  # (checked by sanitize_pids), so wait, and insist if one lingers.
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 50; i++)); do
      is_component "${pid}" || continue 2
      sleep 0.1
    done
    kill -9 "${pid}" 2>/dev/null || true
  done
  # Kueue would only chase a dead apiserver.
  kueue_stop
  # kwokctl leaves the folder when its config is unreadable: remove it anyway.
  rm -rf "${CLUSTER_DIR}"
  rm -f "${KUBECONFIG_PATH}" "${FINGERPRINT_PATH}" "${STOPPED_APISERVER}"
}

create_cluster() {
  mkdir -p "${STATE_DIR}/pod-logs" "${KWOK_WORKDIR}"
  # The log every simulated container serves (kwok ClusterLogs, kwok/logs.yaml).
  cp "${SCRIPT_DIR}/kwok/container-log.txt" "${STATE_DIR}/pod-logs/container.log"
  # Relative paths in kwok/logs.yaml resolve against this folder.
  (
    cd "${STATE_DIR}"
    run_kwokctl create cluster \
      --runtime binary \
      --config "${SCRIPT_DIR}/kwok/kwokctl.yaml" \
      --config "${SCRIPT_DIR}/kwok/stages.yaml" \
      --config "${SCRIPT_DIR}/kwok/logs.yaml" \
      --kubeconfig "" \
      --kube-apiserver-binary "${K8S_DIR}/bin/kube-apiserver" \
      --kube-controller-manager-binary "${K8S_DIR}/bin/kube-controller-manager" \
      --kube-scheduler-binary "${K8S_DIR}/bin/kube-scheduler" \
      --kwok-controller-binary "${KWOK_DIR}/bin/kwok" \
      --etcd-binary "${ETCD_DIR}/bin/etcd" \
      --timeout "${UP_TIMEOUT}s" \
      --wait 0s
  ) >>"${STATE_DIR}/kwokctl.log" 2>&1 || {
    tail -n 40 "${STATE_DIR}/kwokctl.log" >&2 || true
    die "kwokctl create cluster failed (log: ${STATE_DIR}/kwokctl.log, components: ${CLUSTER_DIR}/logs)"
  }
  # The admin kubeconfig: certificates inlined, written atomically, private.
  local tmp="${KUBECONFIG_PATH}.tmp"
  (umask 077 && run_kwokctl get kubeconfig >"${tmp}" 2>>"${STATE_DIR}/kwokctl.log")
  mv "${tmp}" "${KUBECONFIG_PATH}"
}

# wait_for DESCRIPTION COMMAND...: polls until COMMAND succeeds or the deadline.
wait_for() {
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= DEADLINE)); then
      die "timed out waiting for ${what} (component logs: ${CLUSTER_DIR}/logs)"
    fi
    sleep 0.5
  done
}

default_sa_exists() { kc get serviceaccount default --namespace default; }

nodes_ready() {
  local expected ready
  expected=$(kc get -f "${SCRIPT_DIR}/nodes.yaml" -o name | wc -l)
  ready=$(kc get nodes -o jsonpath='{range .items[*]}{range .status.conditions[?(@.type=="Ready")]}{.status}{"\n"}{end}{end}' | grep -c '^True$' || true)
  [[ "${ready}" -ge "${expected}" ]]
}

cmd_up() {
  cmd_build
  mkdir -p "${STATE_DIR}"
  exec 9>"${STATE_DIR}/.lock"
  flock 9
  local start=${SECONDS}
  DEADLINE=$((SECONDS + UP_TIMEOUT))
  local fp
  fp=$(cluster_fingerprint)
  # Held down by stop-apiserver (a failure test that did not finish):
  # started again rather than the cluster recreated with its state lost.
  if [[ -f "${STOPPED_APISERVER}" ]]; then
    log "the kube-apiserver was stopped (stop-apiserver); starting it again"
    (start_apiserver) || log "it did not come back; recreating the cluster"
  fi
  if cluster_healthy && [[ -f "${FINGERPRINT_PATH}" && "$(cat "${FINGERPRINT_PATH}")" == "${fp}" ]]; then
    log "cluster already up, reusing it"
  else
    if [[ -d "${CLUSTER_DIR}" ]]; then
      log "removing a stale or outdated cluster"
    fi
    : >"${STATE_DIR}/kwokctl.log"
    delete_cluster
    log "starting the cluster (Kubernetes ${K8S_VERSION}, etcd ${ETCD_VERSION}, KWOK ${KWOK_VERSION})"
    create_cluster
    printf '%s\n' "${fp}" >"${FINGERPRINT_PATH}"
  fi
  wait_for "the apiserver" apiserver_ready
  kc apply -f "${SCRIPT_DIR}/nodes.yaml" >/dev/null
  wait_for "Ready nodes" nodes_ready
  wait_for "the default ServiceAccount" default_sa_exists
  log "cluster up in $((SECONDS - start))s; kubeconfig: ${KUBECONFIG_PATH}"
  flock -u 9
}

cmd_down() {
  mkdir -p "${STATE_DIR}"
  exec 9>"${STATE_DIR}/.lock"
  flock 9
  if [[ -d "${CLUSTER_DIR}" ]]; then
    delete_cluster
    log "cluster deleted"
  else
    rm -f "${KUBECONFIG_PATH}" "${FINGERPRINT_PATH}"
    log "no cluster here"
  fi
  flock -u 9
}

cmd_status() {
  echo "cluster:    ${CLUSTER_NAME}"
  echo "kubernetes: ${K8S_VERSION}  etcd: ${ETCD_VERSION}  kwok: ${KWOK_VERSION}"
  echo "cache:      ${CACHE_ROOT}"
  echo "kubeconfig: ${KUBECONFIG_PATH}"
  if [[ ! -x "${K8S_DIR}/bin/kubectl" ]]; then
    echo "state:      not built (run: $0 build)"
    return 1
  fi
  if [[ -f "${STOPPED_APISERVER}" ]]; then
    echo "state:      kube-apiserver stopped (run: $0 $(name_option)start-apiserver)"
    return 1
  fi
  if ! cluster_healthy; then
    echo "state:      down"
    return 1
  fi
  echo "state:      up"
  echo "server:     $(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
  kc get nodes -L topology.kubernetes.io/zone -L tenant-jobs.io/node-class
}

# Starts a component again with the command line it had, detached and with
# no descriptor of ours, like kwokctl starts it; records its pid.
relaunch() {
  local name=$1
  shift
  setsid "$@" >>"${CLUSTER_DIR}/logs/${name}.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"${CLUSTER_DIR}/pids/${name}.pid"
}

# Kills the kube-apiserver, as a crash would: clients see their connections
# drop and watches end. etcd keeps the state, the other components stay up
# (retrying), and the apiserver's command line is kept for start-apiserver.
cmd_stop_apiserver() {
  with_lock stop_apiserver
}

stop_apiserver() {
  [[ ! -f "${STOPPED_APISERVER}" ]] || die "the kube-apiserver is stopped already; run: $0 $(name_option)start-apiserver"
  cluster_healthy || die "the cluster is not up; run: $0 up"
  local name pid i
  # The command lines, NUL-separated argv kept with NULs as \x01, one a line.
  : >"${STOPPED_APISERVER}.tmp"
  for name in kube-apiserver kube-controller-manager kube-scheduler; do
    pid=$(cat "${CLUSTER_DIR}/pids/${name}.pid")
    is_component "${pid}" || die "no ${name} of this cluster at pid ${pid}"
    printf '%s\t%s\n' "${name}" "$(tr '\0' '\001' <"/proc/${pid}/cmdline")" >>"${STOPPED_APISERVER}.tmp"
  done
  mv "${STOPPED_APISERVER}.tmp" "${STOPPED_APISERVER}"
  pid=$(cat "${CLUSTER_DIR}/pids/kube-apiserver.pid")
  kill -KILL "${pid}"
  for ((i = 0; i < 100; i++)); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  log "kube-apiserver stopped (was pid ${pid}); start it with: $0 $(name_option)start-apiserver"
}

# with_lock FUNCTION: runs it holding this cluster's lock.
with_lock() {
  mkdir -p "${STATE_DIR}"
  exec 9>"${STATE_DIR}/.lock"
  flock 9
  "$@"
  flock -u 9
}

# The option that selects this cluster, for messages.
name_option() {
  [[ "${CLUSTER_NAME}" == "${DEFAULT_CLUSTER}" ]] || printf -- '--name %s ' "${CLUSTER_NAME}"
}

# argv_of NAME: the kept command line of a component, into the array ARGV.
argv_of() {
  local line
  line=$(grep -m1 "^$1"$'\t' "${STOPPED_APISERVER}") || die "no command line of $1 kept in ${STOPPED_APISERVER}"
  line=${line#*$'\t'}
  IFS=$'\001' read -r -a ARGV <<<"${line%$'\001'}"
}

# Starts the kube-apiserver stop-apiserver killed, with the command line it
# had. The controller-manager and the scheduler exit when they cannot renew
# their leases for a while; like a kubelet restarting static pods, this
# starts again any that did.
cmd_start_apiserver() {
  with_lock start_apiserver
}

start_apiserver() {
  [[ -f "${STOPPED_APISERVER}" ]] || die "no kube-apiserver was stopped here (run: $0 $(name_option)stop-apiserver first)"
  local name pid i
  local -a ARGV=()
  argv_of kube-apiserver
  relaunch kube-apiserver "${ARGV[@]}"
  for ((i = 0; i < 600; i++)); do
    apiserver_ready && break
    sleep 0.1
  done
  apiserver_ready || die "the kube-apiserver did not come back (log: ${CLUSTER_DIR}/logs/kube-apiserver.log)"
  # They notice a lost lease up to its duration (15 s) later.
  for ((i = 0; i < 40; i++)); do
    for name in kube-controller-manager kube-scheduler; do
      pid=$(cat "${CLUSTER_DIR}/pids/${name}.pid" 2>/dev/null || true)
      if ! is_component "${pid}"; then
        argv_of "${name}"
        relaunch "${name}" "${ARGV[@]}"
        log "${name} had exited; started it again"
      fi
    done
    sleep 0.5
  done
  rm -f "${STOPPED_APISERVER}"
  log "kube-apiserver started (pid $(cat "${CLUSTER_DIR}/pids/kube-apiserver.pid"))"
}

# Both under one hold of the lock: no `up` sees the cluster in between.
cmd_restart_apiserver() {
  with_lock restart_apiserver
}

restart_apiserver() {
  stop_apiserver
  start_apiserver
}

# ---------------------------------------------------------------------------
# Kueue: an optional add-on for tenantJobs.queue.mode kueue. Built from the Go
# module proxy like the cluster (gomod/kueue), its CRDs installed from the
# module cache, and run out of cluster against this cluster as the admin:
# leader election off, health probe on loopback, webhook server on loopback
# with a self-signed certificate (its webhooks are not registered with the
# apiserver: Tenant Jobs creates its Jobs suspended itself, and Kueue's Job
# reconciler admits and resumes them). Only the batch/job integration runs.

cmd_kueue_build() {
  command -v go >/dev/null || die "the go command is needed to build Kueue"
  mkdir -p "${CACHE_ROOT}"
  exec 8>"${CACHE_ROOT}/.build.lock"
  flock 8
  build_one kueue "${KUEUE_DIR}" kueue
  flock -u 8
  exec 8>&-
}

# is_kueue PID: PID is a live Kueue started from the cache's bin dir.
is_kueue() {
  local pid=$1 argv0=""
  if [[ "${pid}" =~ ^[0-9]+$ && -r "/proc/${pid}/cmdline" ]]; then
    argv0=$(tr '\0' '\n' <"/proc/${pid}/cmdline" | head -n 1)
  fi
  [[ -n "${argv0}" && "${argv0}" == "${KUEUE_DIR}/bin/kueue" ]]
}

kueue_pid() { cat "${KUEUE_STATE_DIR}/kueue.pid" 2>/dev/null || true; }

# The apiserver URL of the cluster now (empty when there is none).
cluster_server() {
  [[ -f "${KUBECONFIG_PATH}" ]] || return 0
  kc config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null || true
}

# Kueue runs, for the cluster that is up now, and answers ready.
kueue_ready() {
  local pid port
  pid=$(kueue_pid)
  is_kueue "${pid}" || return 1
  [[ "$(cat "${KUEUE_STATE_DIR}/cluster" 2>/dev/null)" == "$(cluster_server)" ]] || return 1
  port=$(cat "${KUEUE_STATE_DIR}/health.port" 2>/dev/null) || return 1
  [[ "$(curl -fsS --max-time 5 "http://127.0.0.1:${port}/readyz" 2>/dev/null)" == ok ]]
}

kueue_stop() {
  local pid i
  pid=$(kueue_pid)
  if is_kueue "${pid}"; then
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      is_kueue "${pid}" || break
      sleep 0.1
    done
    is_kueue "${pid}" && kill -KILL "${pid}" 2>/dev/null
    log "Kueue stopped (pid ${pid})"
  fi
  rm -f "${KUEUE_STATE_DIR}/kueue.pid"
}

# The folder of the pinned Kueue module in the module cache (downloaded,
# and checked against gomod/kueue/go.sum, if it is not there).
kueue_module_dir() {
  (cd "${SCRIPT_DIR}/gomod/kueue" && GOWORK=off GOFLAGS=-mod=readonly \
    go mod download -json sigs.k8s.io/kueue) |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      echo "${port}"
      return 0
    fi
  done
  die "found no free port on 127.0.0.1"
}

# A self-signed certificate for 127.0.0.1, generated here, for the webhook
# server and (at the fixed path Kueue reads) the metrics server.
kueue_certs() {
  local dir=${KUEUE_STATE_DIR}/certs
  command -v openssl >/dev/null || die "openssl is needed to make Kueue's certificates"
  rm -rf "${dir}"
  mkdir -p "${dir}"
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -keyout "${dir}/tls.key" -out "${dir}/tls.crt" -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1) \
    || die "openssl could not make Kueue's certificate"
  # Metrics are off, but Kueue v0.17 exits without a pair at the fixed path.
  # Another clone's pair there serves as well: it is only loaded.
  if [[ ! -r "${KUEUE_METRICS_CERT_DIR}/tls.crt" || ! -r "${KUEUE_METRICS_CERT_DIR}/tls.key" ]]; then
    mkdir -p "${KUEUE_METRICS_CERT_DIR}" 2>/dev/null \
      && cp "${dir}/tls.crt" "${dir}/tls.key" "${KUEUE_METRICS_CERT_DIR}/" 2>/dev/null \
      || die "Kueue ${KUEUE_VERSION} needs a certificate in ${KUEUE_METRICS_CERT_DIR} and this user cannot write there; run as root once: mkdir -p ${KUEUE_METRICS_CERT_DIR} && cp ${dir}/tls.* ${KUEUE_METRICS_CERT_DIR}/"
  fi
}

cmd_kueue_up() {
  cmd_kueue_build
  mkdir -p "${STATE_DIR}" "${KUEUE_STATE_DIR}"
  exec 9>"${STATE_DIR}/.lock"
  flock 9
  cluster_healthy || die "the cluster is not up; run: $0 up"
  local start=${SECONDS}
  DEADLINE=$((SECONDS + UP_TIMEOUT))
  if kueue_ready; then
    log "Kueue already running (pid $(kueue_pid)), reusing it"
    flock -u 9
    return 0
  fi
  kueue_stop
  local crds
  crds="$(kueue_module_dir)/config/components/crd/bases"
  [[ -d "${crds}" ]] || die "no Kueue CRDs in ${crds}"
  kc apply --server-side --force-conflicts --field-manager=tenant-jobs-kueue -f "${crds}" >/dev/null
  kc wait --for condition=established --timeout=60s -f "${crds}" >/dev/null
  kc get namespace kueue-system >/dev/null 2>&1 || kc create namespace kueue-system >/dev/null
  kueue_certs
  local health webhook attempt=0
  while :; do
  attempt=$((attempt + 1))
  health=$(free_port)
  webhook=$(free_port)
  cat >"${KUEUE_STATE_DIR}/config.yaml" <<EOF
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
leaderElection:
  leaderElect: false
health:
  healthProbeBindAddress: 127.0.0.1:${health}
metrics:
  bindAddress: "0"
webhook:
  host: 127.0.0.1
  port: ${webhook}
  certDir: ${KUEUE_STATE_DIR}/certs
internalCertManagement:
  enable: false
manageJobsWithoutQueueName: false
integrations:
  frameworks: ["batch/job"]
EOF
  printf '%s\n' "${health}" >"${KUEUE_STATE_DIR}/health.port"
  cluster_server >"${KUEUE_STATE_DIR}/cluster"
  : >"${KUEUE_STATE_DIR}/kueue.log"
  # Detached and without our lock descriptors, like the cluster's components.
  # The pid is written by the process that then becomes Kueue (exec keeps
  # it): setsid may fork, and until exec its command line is not Kueue's.
  rm -f "${KUEUE_STATE_DIR}/kueue.pid"
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ \
    "${KUEUE_STATE_DIR}/kueue.pid" \
    "${KUEUE_DIR}/bin/kueue" --config="${KUEUE_STATE_DIR}/config.yaml" \
    --kubeconfig="${KUBECONFIG_PATH}" --feature-gates=VisibilityOnDemand=false \
    >>"${KUEUE_STATE_DIR}/kueue.log" 2>&1 </dev/null 8>&- 9>&- &
  local exited=0 pid
  until kueue_ready; do
    pid=$(kueue_pid)
    if [[ -n "${pid}" ]] && ! kill -0 "${pid}" 2>/dev/null; then
      # A port found free was taken before Kueue bound it: new ports.
      if ((attempt < 3)) &&
        grep -q 'address already in use' "${KUEUE_STATE_DIR}/kueue.log"; then
        log "Kueue lost a port race (attempt ${attempt}); starting again on other ports"
        exited=1
        break
      fi
      tail -n 20 "${KUEUE_STATE_DIR}/kueue.log" >&2 || true
      die "Kueue exited (log: ${KUEUE_STATE_DIR}/kueue.log)"
    fi
    if ((SECONDS >= DEADLINE)); then
      kueue_stop
      die "timed out waiting for Kueue to be ready (log: ${KUEUE_STATE_DIR}/kueue.log)"
    fi
    sleep 0.5
  done
  ((exited)) || break
  done
  log "Kueue ${KUEUE_VERSION} up in $((SECONDS - start))s (pid $(kueue_pid), log: ${KUEUE_STATE_DIR}/kueue.log)"
  flock -u 9
}

cmd_kueue_down() {
  mkdir -p "${STATE_DIR}"
  exec 9>"${STATE_DIR}/.lock"
  flock 9
  if is_kueue "$(kueue_pid)"; then
    kueue_stop
  else
    rm -f "${KUEUE_STATE_DIR}/kueue.pid"
    log "Kueue is not running here"
  fi
  flock -u 9
}

cmd_kueue_status() {
  echo "kueue:      ${KUEUE_VERSION} (${KUEUE_DIR})"
  if [[ ! -x "${KUEUE_DIR}/bin/kueue" ]]; then
    echo "state:      not built (run: $0 kueue-build)"
    return 1
  fi
  if ! kueue_ready; then
    echo "state:      not running for this cluster"
    return 1
  fi
  echo "state:      running (pid $(kueue_pid), log: ${KUEUE_STATE_DIR}/kueue.log)"
}

# ---------------------------------------------------------------------------
# MultiKueue: this cluster (the manager) dispatches the Workloads of
# ClusterQueues that use the AdmissionCheck `tenant-jobs-multikueue` to a
# worker cluster beside it. Kueue runs on both (kueue-up); the manager's
# Kueue reaches the worker with its admin kubeconfig (certificates inlined,
# as Kueue requires), kept in a Secret of kueue-system. Fixed names: one
# worker, `worker`, per manager.
MULTIKUEUE_CHECK=tenant-jobs-multikueue
MULTIKUEUE_SECRET=tenant-jobs-multikueue-worker

cmd_multikueue_up() {
  local worker=${1:-}
  [[ -n "${worker}" ]] || die "usage: $0 --name MANAGER multikueue-up WORKER"
  [[ "${worker}" != "${CLUSTER_NAME}" ]] || die "the worker must be another cluster than the manager"
  "$0" --name "${worker}" status >/dev/null || die "the worker cluster ${worker} is not up; run: $0 --name ${worker} up"
  local worker_kubeconfig
  worker_kubeconfig=$("$0" --name "${worker}" kubeconfig)
  "$0" --name "${worker}" kueue-up
  cmd_kueue_up
  # Kueue keeps a deleted AdmissionCheck while a ClusterQueue uses it.
  if [[ -n "$(kc get admissioncheck "${MULTIKUEUE_CHECK}" --ignore-not-found -o jsonpath='{.metadata.deletionTimestamp}')" ]]; then
    die "the AdmissionCheck ${MULTIKUEUE_CHECK} is being deleted and waits for the ClusterQueues that use it: $(kc get clusterqueues -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.admissionChecksStrategy.admissionChecks[*].name}{"\n"}{end}' | awk -v c="${MULTIKUEUE_CHECK}" '$2 == c {printf "%s ", $1}')- delete them first"
  fi
  kc create secret generic "${MULTIKUEUE_SECRET}" --namespace kueue-system \
    --from-file=kubeconfig="${worker_kubeconfig}" --dry-run=client -o yaml |
    kc apply --server-side --force-conflicts --field-manager=tenant-jobs-multikueue -f - >/dev/null
  kc apply --server-side --force-conflicts --field-manager=tenant-jobs-multikueue -f - >/dev/null <<'EOF'
apiVersion: kueue.x-k8s.io/v1beta2
kind: MultiKueueCluster
metadata:
  name: worker
spec:
  clusterSource:
    kubeConfig:
      locationType: Secret
      location: tenant-jobs-multikueue-worker
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: MultiKueueConfig
metadata:
  name: tenant-jobs
spec:
  clusters: [worker]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: AdmissionCheck
metadata:
  name: tenant-jobs-multikueue
spec:
  controllerName: kueue.x-k8s.io/multikueue
  parameters:
    apiGroup: kueue.x-k8s.io
    kind: MultiKueueConfig
    name: tenant-jobs
EOF
  kc wait --for condition=Active --timeout=60s multikueuecluster/worker >/dev/null ||
    die "the manager's Kueue cannot reach ${worker} (log: ${KUEUE_STATE_DIR}/kueue.log)"
  kc wait --for condition=Active --timeout=60s "admissioncheck/${MULTIKUEUE_CHECK}" >/dev/null ||
    die "the AdmissionCheck ${MULTIKUEUE_CHECK} is not active (log: ${KUEUE_STATE_DIR}/kueue.log)"
  log "MultiKueue: ClusterQueues with the AdmissionCheck ${MULTIKUEUE_CHECK} dispatch to ${worker}"
}

# Removes the manager's MultiKueue objects (Kueue keeps running on both).
cmd_multikueue_down() {
  kc delete admissioncheck "${MULTIKUEUE_CHECK}" --ignore-not-found >/dev/null 2>&1 || true
  kc delete multikueueconfig tenant-jobs --ignore-not-found >/dev/null 2>&1 || true
  kc delete multikueuecluster worker --ignore-not-found >/dev/null 2>&1 || true
  kc delete secret "${MULTIKUEUE_SECRET}" --namespace kueue-system --ignore-not-found >/dev/null 2>&1 || true
  log "MultiKueue objects removed (the AdmissionCheck goes once no ClusterQueue uses it)"
}

cmd_kubeconfig() {
  if [[ ! -f "${KUBECONFIG_PATH}" ]]; then
    log "the cluster is not up; run: $0 up"
  fi
  echo "${KUBECONFIG_PATH}"
}

cmd_list() { cluster_names; }

# One command on one cluster.
run_command() {
  local cmd=$1
  shift
  case "${cmd}" in
    build) cmd_build ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    list) cmd_list ;;
    kubeconfig) cmd_kubeconfig ;;
    stop-apiserver) cmd_stop_apiserver ;;
    start-apiserver) cmd_start_apiserver ;;
    restart-apiserver) cmd_restart_apiserver ;;
    kueue-build) cmd_kueue_build ;;
    kueue-up) cmd_kueue_up ;;
    kueue-down) cmd_kueue_down ;;
    kueue-status) cmd_kueue_status ;;
    multikueue-up) cmd_multikueue_up "$@" ;;
    multikueue-down) cmd_multikueue_down ;;
    kubectl)
      [[ -x "${K8S_DIR}/bin/kubectl" ]] || die "not built yet; run: $0 build"
      exec "${K8S_DIR}/bin/kubectl" --kubeconfig "${KUBECONFIG_PATH}" "$@"
      ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main() {
  local name=${DEFAULT_CLUSTER} many="" name_given=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --name) name=${2:-}; name_given=1; shift 2 || die "--name needs a NAME" ;;
      --name=*) name=${1#*=}; name_given=1; shift ;;
      --clusters) many=$(first_names "${2:-}") || exit 1; shift 2 ;;
      --clusters=*) many=$(first_names "${1#*=}") || exit 1; shift ;;
      --all) many=$(cluster_names); [[ -n "${many}" ]] || many=${DEFAULT_CLUSTER}; shift ;;
      *) break ;;
    esac
  done
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  if [[ -n "${many}" ]]; then
    [[ -z "${name_given}" ]] || die "--name and --clusters/--all do not go together"
    case "${cmd}" in
      build | kubectl | kubeconfig | list | -h | --help | help | "")
        die "${cmd:-a command} is for one cluster: drop --clusters/--all" ;;
    esac
    # One after the other, each in a process of its own (locks, exits).
    local n rc=0
    for n in ${many}; do
      "$0" --name "${n}" "${cmd}" "$@" || rc=1
    done
    return "${rc}"
  fi
  select_cluster "${name}"
  run_command "${cmd}" "$@"
}

main "$@"
