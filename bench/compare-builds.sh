#!/usr/bin/env bash
# Before/after check of a change: the `timock` command of two built checkouts, alternated, under the
# same load. Usage: bash bench/compare-builds.sh BEFORE_DIR AFTER_DIR [rounds]
#   e.g. git worktree add ../before <commit> && (cd ../before && npx -y pnpm@10 install && npx -y pnpm@10 build)
#        bash bench/compare-builds.sh ../before .
# Each round runs both builds with `--log-level silent` and with default flags (output to a file), in
# alternating order, each under wrk (one thread, 50 connections, 1 s warm-up, 5 s measured) on
# 127.0.0.1, and prints the server's CPU time per answer (from /proc, user + system) and its req/s.
# Needs wrk and Linux. Run it on a quiet machine; compare medians, not single rounds.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bash bench/compare-builds.sh BEFORE_DIR AFTER_DIR [rounds]" >&2; exit 2; }
command -v wrk >/dev/null || { echo "compare-builds: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
rounds=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cli() { echo "$1/packages/mock-server/dist/cli.js"; }
for dir in "$1" "$2"; do
  [ -f "$(cli "$dir")" ] || { echo "compare-builds: $(cli "$dir") is missing (build that checkout first)" >&2; exit 2; }
done
after=$(cli "$2")
# The demo app with its limit raised, so that no call is refused (as the benchmark does).
key=$(node -e "import('$2/packages/mock-server/dist/index.js').then((m) => console.log(m.DEMO_APP.secretKey))")
echo "{\"apps\":[{\"sdkappid\":1400000000,\"secretKey\":\"$key\",\"admins\":[\"administrator\"],\"rateLimitPerSecond\":1000000}]}" >"$tmp/config.json"
sig=$(node "$after" usersig --sdkappid 1400000000 --secret-key "$key" --identifier administrator)
cat >"$tmp/load.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.path = "/v4/openconfigsvr/getappinfo?sdkappid=1400000000&identifier=administrator&usersig=$sig&random=1&contenttype=json"
LUA
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() { # label, cli, flags...
  local label=$1 bin=$2
  shift 2
  node "$bin" --port "$port" --config "$tmp/config.json" "$@" >"$tmp/out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  wrk -t1 -c50 -d1s -s "$tmp/load.lua" "http://127.0.0.1:$port" >/dev/null
  local c0 out c1
  c0=$(cpu "$pid")
  out=$(wrk -t1 -c50 -d5s -s "$tmp/load.lua" "http://127.0.0.1:$port")
  c1=$(cpu "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local answers errors
  answers=$(echo "$out" | awk '/requests in/ { print $1 }')
  errors=$(echo "$out" | awk '/Non-2xx/ { print $4 }')
  awk -v l="$label" -v n="$answers" -v c="$((c1 - c0))" -v e="${errors:-0}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%-16s %8.1f µs CPU per answer  %8.0f req/s  non-2xx %s\n", l, c * 1e6 / hz / n, n / 5, e }'
}
for round in $(seq "$rounds"); do
  echo "round $round"
  if [ $((round % 2)) = 1 ]; then order="$1 $2"; else order="$2 $1"; fi
  for flags in "--log-level silent" ""; do
    for dir in $order; do
      name=$([ "$dir" = "$1" ] && echo before || echo after)
      mode=$([ -n "$flags" ] && echo silent || echo default)
      # shellcheck disable=SC2086
      run "$name $mode" "$(cli "$dir")" $flags
    done
  done
done
