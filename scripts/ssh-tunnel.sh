#!/usr/bin/env bash
# Forwards a local port to a PostgreSQL server reachable from an ssh host (the original bot's
# setup_ssh_tunnel.sh), and keeps it up: see usage() or run with --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/ssh-tunnel.sh [options] [USER@]SSH_HOST

Forwards 127.0.0.1:LOCAL_PORT to DB_HOST:DB_PORT as seen from SSH_HOST (ssh -N -L), so that
tradebot can use database.url: postgresql://USER@127.0.0.1:LOCAL_PORT/DB. Runs in the foreground
until SIGINT or SIGTERM; run it under systemd, tmux or nohup for a lasting tunnel.

Keeping it up (what autossh does, without autossh): ssh sends a keep-alive every 15 s and exits
after 3 unanswered ones (ServerAliveInterval/ServerAliveCountMax), or when the forward cannot be
set up (ExitOnForwardFailure, e.g. the local port is taken); the script then starts ssh again
after 1 s, doubling up to 60 s while ssh keeps failing, back to 1 s once a tunnel lasted 60 s.
ssh runs with BatchMode=yes: authentication must work without a prompt (a key or an agent).

Options:
  -l, --local-port PORT     local port to listen on (default 5433)
  -b, --bind ADDRESS        local address to listen on (default 127.0.0.1; never expose it)
  -H, --db-host HOST        PostgreSQL host as the ssh host sees it (default 127.0.0.1)
  -r, --db-port PORT        PostgreSQL port there (default 5432)
  -p, --ssh-port PORT       ssh port of SSH_HOST (default 22)
  -i, --identity FILE       private key for ssh (-i)
  -o, --ssh-option OPTION   extra ssh -o option, e.g. StrictHostKeyChecking=accept-new (repeatable)
      --max-restarts N      give up after N restarts in a row that lasted under 60 s (default 0 =
                            never give up)
      --once                run ssh once, no restart
  -h, --help                this text

Environment: SSH_TUNNEL_SSH is the ssh command (default ssh).
Exit codes: 0 stopped by SIGINT/SIGTERM (or --once and ssh exited 0), 1 ssh missing or gave up
(--max-restarts, or --once and ssh failed), 2 bad arguments.
USAGE
}

die_usage() {
  echo "ssh-tunnel: $*" >&2
  echo "Run 'scripts/ssh-tunnel.sh --help' for the options." >&2
  exit 2
}

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

local_port=5433
bind=127.0.0.1
db_host=127.0.0.1
db_port=5432
ssh_port=22
identity=""
extra=()
max_restarts=0
once=0
target=""

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then die_usage "$1 needs a value"; fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -l|--local-port) need_value "$@"; local_port=$2; shift 2 ;;
    -b|--bind) need_value "$@"; bind=$2; shift 2 ;;
    -H|--db-host) need_value "$@"; db_host=$2; shift 2 ;;
    -r|--db-port) need_value "$@"; db_port=$2; shift 2 ;;
    -p|--ssh-port) need_value "$@"; ssh_port=$2; shift 2 ;;
    -i|--identity) need_value "$@"; identity=$2; shift 2 ;;
    -o|--ssh-option) need_value "$@"; extra+=(-o "$2"); shift 2 ;;
    --max-restarts) need_value "$@"; max_restarts=$2; shift 2 ;;
    --once) once=1; shift ;;
    --) shift; break ;;
    -*) die_usage "unknown option '$1'" ;;
    *) [ -z "$target" ] || die_usage "one ssh host only, got '$target' and '$1'"; target=$1; shift ;;
  esac
done
if [ $# -gt 0 ]; then
  if [ -n "$target" ] || [ $# -ne 1 ]; then die_usage "one ssh host only"; fi
  target=$1
fi
[ -n "$target" ] || die_usage "the ssh host is missing"
for p in "$local_port" "$db_port" "$ssh_port"; do
  is_port "$p" || die_usage "'$p' is not a port (1-65535)"
done
[[ "$max_restarts" =~ ^[0-9]+$ ]] || die_usage "--max-restarts needs a count, got '$max_restarts'"
[ -z "$identity" ] || [ -r "$identity" ] || die_usage "identity file '$identity' is not readable"

ssh_cmd=${SSH_TUNNEL_SSH:-ssh}
command -v "$ssh_cmd" >/dev/null || { echo "ssh-tunnel: '$ssh_cmd' not found (Debian package openssh-client)" >&2; exit 1; }

args=(-N -p "$ssh_port"
      -L "$bind:$local_port:$db_host:$db_port"
      -o BatchMode=yes -o ExitOnForwardFailure=yes
      -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -o TCPKeepAlive=yes)
[ -z "$identity" ] || args+=(-i "$identity")
args+=("${extra[@]}" "$target")

child=""
stop() {
  echo "ssh-tunnel: stopping"
  [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true
  [ -z "$child" ] || wait "$child" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

delay=1
failures=0
while :; do
  echo "ssh-tunnel: $bind:$local_port -> $db_host:$db_port via $target (ssh port $ssh_port)"
  started=$SECONDS
  # In the background so that the trap runs at once on SIGTERM instead of after ssh returns.
  "$ssh_cmd" "${args[@]}" &
  child=$!
  rc=0
  wait "$child" || rc=$?
  child=""
  lasted=$((SECONDS - started))
  if [ "$once" = 1 ]; then
    echo "ssh-tunnel: ssh exited with $rc"
    [ "$rc" -eq 0 ] && exit 0
    exit 1
  fi
  if [ "$lasted" -ge 60 ]; then
    delay=1
    failures=0
  else
    failures=$((failures + 1))
  fi
  if [ "$max_restarts" -gt 0 ] && [ "$failures" -gt "$max_restarts" ]; then
    echo "ssh-tunnel: giving up: ssh exited $failures times in a row within 60 s (last exit $rc)" >&2
    exit 1
  fi
  echo "ssh-tunnel: ssh exited with $rc after ${lasted}s; restarting in ${delay}s" >&2
  sleep "$delay" &
  child=$!
  wait "$child" || true
  child=""
  [ "$lasted" -ge 60 ] || delay=$((delay * 2 > 60 ? 60 : delay * 2))
done
