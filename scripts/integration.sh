#!/usr/bin/env bash
# Integration suites against the real local clusters: starts them (or
# reuses running ones), runs every *.integration.test.ts with the first's
# kubeconfig, and stops the clusters again that this run started.
# Usage: scripts/integration.sh [jest args...]
#
# The suites that start the real scaffolder backend (scaffolder*.integration)
# run last, each in a jest process of its own: the scaffolder's work outlives
# its backend's stop and queries that backend's (by then destroyed) database,
# which failed whatever suite ran next in the same process ("Unable to
# acquire a connection"). With `--outputFile`, the reports of the parts are
# summed into that one file.
set -uo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

# Two clusters: the second (tenant-jobs-2) for the suites that pin a
# tenant to it or make it a MultiKueue worker (tenantJobs.clusters and
# tenantJobs.multikueue). Each started here is
# stopped again at the end.
# shellcheck source=scripts/lib/clusters.sh
. scripts/lib/clusters.sh
trap stop_started_clusters EXIT
ensure_clusters tenant-jobs tenant-jobs-2 || exit 1

out=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
  --outputFile)
    out="$2"
    shift 2
    ;;
  --outputFile=*)
    out="${1#*=}"
    shift
    ;;
  *)
    args+=("$1")
    shift
    ;;
  esac
done

SCAFFOLDER='scaffolder[A-Za-z]*\.integration\.test\.'
parts=()
rc=0
# part REPORT JEST-ARGS... : one jest process; one suite at a time, since
# they share the cluster and the recovery suite restarts its apiserver.
part() {
  local report="$1"
  shift
  parts+=("$report")
  yarn backstage-cli repo test --watchAll=false --runInBand \
    --testSequencer "$TJ_ROOT/scripts/jest/integrationSequencer.js" \
    "${args[@]}" "$@" ${out:+--outputFile "$report"} || rc=1
}

part "$out.main" --testPathPatterns '\.integration\.test\.' \
  --testPathIgnorePatterns '/node_modules/' '/dist/' "$SCAFFOLDER"
i=0
while IFS= read -r suite; do
  i=$((i + 1))
  part "$out.scaffolder-$i" --testPathPatterns "$suite"
done < <(find plugins packages -name '*.integration.test.ts' \
  -not -path '*/node_modules/*' | grep -E "/$SCAFFOLDER" | sort)

if [ -n "$out" ]; then
  node -e '
    const fs = require("node:fs");
    const [out, ...parts] = process.argv.slice(1);
    const counts = ["numPassedTests", "numFailedTests", "numPendingTests",
      "numTodoTests", "numTotalTests", "numRuntimeErrorTestSuites",
      "numPassedTestSuites", "numFailedTestSuites", "numTotalTestSuites"];
    const sum = Object.fromEntries(counts.map(k => [k, 0]));
    sum.testResults = [];
    for (const file of parts) {
      if (!fs.existsSync(file)) {
        sum.numRuntimeErrorTestSuites += 1; // that part wrote no report
        continue;
      }
      const report = JSON.parse(fs.readFileSync(file, "utf8"));
      for (const k of counts) sum[k] += report[k] ?? 0;
      sum.testResults.push(...(report.testResults ?? []));
      fs.rmSync(file);
    }
    sum.success = sum.numFailedTests === 0 && sum.numRuntimeErrorTestSuites === 0;
    fs.writeFileSync(out, JSON.stringify(sum));
  ' "$out" "${parts[@]}"
fi
exit "$rc"
