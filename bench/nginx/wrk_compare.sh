#!/bin/bash
# wrk against examples/http_server (io_uring and poll backends) and against
# nginx serving the same 154-byte response (hello.conf), one server thread
# or worker each, in alternating rounds; prints every round and the median
# requests/s of each side.
#
#   ./bazelw build --config=opt //examples:http_server
#   bench/nginx/wrk_compare.sh bazel-bin/examples/http_server [rounds] [seconds] [connections]
#
# Needs wrk and nginx (Debian: apt-get install wrk nginx-light). On a
# machine with 2 vCPUs the load generator and the server share them: the
# figures compare the servers under the same handicap, they are not what
# either does on a machine of its own.
set -eu

server=${1:?usage: wrk_compare.sh path/to/http_server [rounds] [seconds] [connections]}
rounds=${2:-3}
seconds=${3:-5}
connections=${4:-50}
here=$(cd "$(dirname "$0")" && pwd)

dir=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

# A free port per side, so a lingering TIME_WAIT never gets in the way.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {  # side -> sets pid and port
  port=$(free_port)
  case "$1" in
    nginx)
      sed -e "s|@PORT@|$port|g" -e "s|@TMPDIR@|$dir|g" "$here/hello.conf" > "$dir/nginx.conf"
      nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
      ;;
    *)
      "$server" --address=127.0.0.1:$port --threads=1 --backend="$1" > "$dir/server.out" &
      ;;
  esac
  pid=$!
  # Ready when it answers.
  for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "$1 did not start" >&2
  exit 1
}

stop() {
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
}

declare -A results
for round in $(seq "$rounds"); do
  for side in uring poll nginx; do
    start "$side"
    out=$(wrk -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$port/")
    stop
    rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<< "$out" | tr '\n' ' ' || true)
    echo "round $round $side: $rps req/s $errors"
    results[$side]="${results[$side]:-} $rps"
  done
done

for side in uring poll nginx; do
  median=$(tr ' ' '\n' <<< "${results[$side]}" | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  echo "median $side: $median req/s (wrk -t1 -c$connections -d${seconds}s, $rounds rounds)"
done
