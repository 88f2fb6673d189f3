# shellcheck shell=bash
# Starting, waiting for and stopping the portal's processes, shared by the
# dev and e2e drivers. Each service runs in its own process group so that
# stopping it also stops the children yarn and the CLI spawn.

TJ_LOGS="$TJ_ROOT/.local/logs"
mkdir -p "$TJ_LOGS"

BACKEND_READY_URL="http://127.0.0.1:7007/.backstage/health/v1/readiness"
APP_URL="${E2E_APP_URL:-http://localhost:3000}"

http_ok() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true)" = 200 ]
}

# start_service NAME COMMAND... : starts it in the background, logs to
# .local/logs/NAME.log, and remembers its process group.
start_service() {
  local name="$1"
  shift
  setsid "$@" >"$TJ_LOGS/$name.log" 2>&1 &
  echo $! >"$TJ_LOGS/$name.pid"
}

stop_service() {
  local pidfile="$TJ_LOGS/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# wait_for_url NAME URL SECONDS : waits for a 200, or shows the log and fails.
wait_for_url() {
  local name="$1" url="$2" seconds="$3" waited=0
  until http_ok "$url"; do
    if [ -f "$TJ_LOGS/$name.pid" ] && ! kill -0 "$(cat "$TJ_LOGS/$name.pid")" 2>/dev/null; then
      echo "[$name] exited before it was ready; last lines of its log:" >&2
      tail -40 "$TJ_LOGS/$name.log" >&2
      return 1
    fi
    if [ "$waited" -ge "$seconds" ]; then
      echo "[$name] not ready at $url after ${seconds}s; last lines of its log:" >&2
      tail -40 "$TJ_LOGS/$name.log" >&2
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "[$name] ready after ${waited}s at $url" >&2
}

# json EXPRESSION : evaluates EXPRESSION over the JSON on stdin (as `d`).
json() {
  node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const d=JSON.parse(s);console.log($1)})"
}
