#!/usr/bin/env bash
# The job targets of the Makefile (make help): `login` and `logout` go to
# backstage-cli's sign-in, every other command to scripts/jobs/cli.mjs,
# which acts as the signed-in user. Usage: scripts/jobs.sh <command> [arg]
set -euo pipefail
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TJ_ROOT"

if [ ! -d node_modules/@backstage/cli-node ]; then
  echo "error: the packages are not installed yet: make bootstrap" >&2
  exit 2
fi

case "${1:-}" in
  login)
    args=(auth login --backend-url "${2:-http://localhost:7007}")
    case "${NO_BROWSER:-}" in true | 1 | yes) args+=(--no-browser) ;; esac
    yarn backstage-cli "${args[@]}"
    # So that `yarn backstage-cli actions list` shows this plugin's actions
    yarn backstage-cli actions sources add tenant-jobs 2>/dev/null || true
    ;;
  logout)
    # The instance make login signed in to: BACKEND_URL's host and port
    instance="${INSTANCE:-$(node -e 'console.log(new URL(process.argv[1]).host)' "${2:-http://localhost:7007}")}"
    yarn backstage-cli auth logout --instance "$instance"
    ;;
  *)
    exec node scripts/jobs/cli.mjs "$@"
    ;;
esac
