#!/usr/bin/env bash
# scripts/ssh-tunnel.sh: its --help matches its parser, bad arguments exit 2, ssh gets the
# keep-alive options and is restarted with back-off, SIGTERM stops it and its ssh. ssh is stood in
# for by a script (SSH_TUNNEL_SSH) that records its arguments: no ssh server is needed.
set -euo pipefail
cd "$(dirname "$0")/../../.."
tunnel=scripts/ssh-tunnel.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "ssh_tunnel_test: FAILED: $*" >&2; exit 1; }

# --help: exit 0, and every long option it lists is one the parser takes, and the other way round.
help=$("$tunnel" --help) || fail "--help exited $?"
grep -q '^Usage: scripts/ssh-tunnel.sh' <<<"$help" || fail "--help has no usage line"
listed=$(grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' <<<"$help" | grep -oE -- '--[a-z-]+' | sort -u)
parsed=$(grep -oE '^ +(-[a-zA-Z]\|)?--[a-z-]+\)' "$tunnel" | grep -oE -- '--[a-z-]+' | sort -u)
[ -n "$listed" ] || fail "--help lists no options"
[ "$listed" = "$parsed" ] || fail "--help lists '$(tr '\n' ' ' <<<"$listed")', the parser takes '$(tr '\n' ' ' <<<"$parsed")'"

# Bad arguments: exit 2 with a message.
expect_usage_error() {
  local rc=0 err
  err=$("$tunnel" "$@" 2>&1 >/dev/null) || rc=$?
  [ "$rc" -eq 2 ] || fail "'$*' exited $rc, not 2"
  grep -q 'ssh-tunnel: ' <<<"$err" || fail "'$*' gave no message"
}
expect_usage_error --no-such-option host
expect_usage_error
expect_usage_error -l 70000 host
expect_usage_error -r abc host
expect_usage_error --max-restarts -1 host
expect_usage_error host1 host2
expect_usage_error -l

# A failing ssh: restarted with back-off (1 s, then it gives up after --max-restarts), with the
# forward and the keep-alives on its command line.
cat > "$tmp/ssh-fails" <<FAKE
#!/bin/sh
echo "\$*" >> "$tmp/calls"
exit 255
FAKE
chmod +x "$tmp/ssh-fails"
rc=0
SSH_TUNNEL_SSH="$tmp/ssh-fails" "$tunnel" --max-restarts 1 -l 6543 -H db.internal -r 5433 -p 2222 \
  -o StrictHostKeyChecking=accept-new ops@bastion >"$tmp/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "a failing ssh: exit $rc, not 1: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/calls")" -eq 2 ] || fail "ssh ran $(wc -l <"$tmp/calls") times, not 2 (once + 1 restart)"
expected="-N -p 2222 -L 127.0.0.1:6543:db.internal:5433 -o BatchMode=yes -o ExitOnForwardFailure=yes"
expected+=" -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -o TCPKeepAlive=yes"
expected+=" -o StrictHostKeyChecking=accept-new ops@bastion"
[ "$(head -1 "$tmp/calls")" = "$expected" ] || fail "ssh arguments: $(head -1 "$tmp/calls")"
grep -q 'restarting in 1s' "$tmp/out" || fail "no restart announced: $(cat "$tmp/out")"
grep -q 'giving up' "$tmp/out" || fail "no give-up message: $(cat "$tmp/out")"

# A running tunnel: SIGTERM ends the script (exit 0) and its ssh.
cat > "$tmp/ssh-runs" <<FAKE
#!/bin/sh
echo \$\$ > "$tmp/ssh.pid"
exec sleep 60
FAKE
chmod +x "$tmp/ssh-runs"
SSH_TUNNEL_SSH="$tmp/ssh-runs" "$tunnel" ops@bastion >"$tmp/out2" 2>&1 &
script_pid=$!
for _ in $(seq 50); do [ -s "$tmp/ssh.pid" ] && break; sleep 0.1; done
[ -s "$tmp/ssh.pid" ] || fail "ssh was not started: $(cat "$tmp/out2")"
ssh_pid=$(cat "$tmp/ssh.pid")
kill -TERM "$script_pid"
rc=0
wait "$script_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "SIGTERM: exit $rc, not 0"
for _ in $(seq 50); do kill -0 "$ssh_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$ssh_pid" 2>/dev/null; then
  kill "$ssh_pid"
  fail "ssh (pid $ssh_pid) outlived the script"
fi

if command -v shellcheck >/dev/null; then
  shellcheck "$tunnel" || fail "shellcheck $tunnel"
else
  echo "ssh_tunnel_test: shellcheck is not installed; lint not run"
fi
echo "ssh_tunnel_test: ok"
