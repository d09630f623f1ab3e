#!/bin/bash
# The http_server binary itself: it prints where it listens, answers with
# the documented bytes, rejects bad flags, and exits 0 on SIGTERM and SIGINT.
# Talks HTTP through bash's /dev/tcp, so it needs no client tool.
set -u
server="$1"
fail() { echo "FAIL: $*"; exit 1; }

# Starts the server with "$@" on a free port; sets PID and PORT.
start() {
  out=$(mktemp)
  "$server" --address=127.0.0.1:0 "$@" > "$out" 2>&1 &
  PID=$!
  for _ in $(seq 100); do
    grep -q "^http_server: http://" "$out" && break
    kill -0 "$PID" 2>/dev/null || fail "exited at start: $(cat "$out")"
    sleep 0.1
  done
  PORT=$(sed -n 's|^http_server: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out")
  [ -n "$PORT" ] || fail "no start line: $(cat "$out")"
  [ "$(wc -l < "$out")" -eq 1 ] || fail "more than one line at start: $(cat "$out")"
}

# Sends $1 on a new connection and prints everything until the server closes.
exchange() {
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || fail "connect"
  printf '%b' "$1" >&3
  timeout 10 cat <&3
  exec 3<&-
}

backends="uring poll"
if [ "${ZRING_HOST_PORTABLE:-}" = 1 ]; then
  # Linux's own calls are refused, as on a BSD: no io_uring to test.
  backends=poll
  echo "ZRING_HOST_PORTABLE=1: io_uring refused, poll backend only"
fi
for backend in $backends; do
  for signal in TERM INT; do
    start --threads=2 --backend=$backend --idle-timeout=2s
    got=$(exchange 'GET / HTTP/1.1\r\nHost: t\r\n\r\nHEAD / HTTP/1.0\r\n\r\n' | sed 's/^Date: .*\r$/Date: X\r/')
    want=$(printf 'HTTP/1.1 200 OK\r\nServer: zring\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, World!HTTP/1.1 200 OK\r\nServer: zring\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\n')
    [ "$got" == "$want" ] || fail "$backend: got [$got]"
    kill -"$signal" "$PID"
    wait "$PID"
    rc=$?
    [ "$rc" -eq 0 ] || fail "$backend: exit status $rc after SIG$signal"
  done
done

for bad in --threads=0 --backend=epoll --idle-timeout=10parsecs --address=nowhere --nonsense; do
  "$server" "$bad" > /dev/null 2>&1
  rc=$?
  [ "$rc" -eq 2 ] || fail "$bad: exit status $rc, want 2"
done
echo PASS
