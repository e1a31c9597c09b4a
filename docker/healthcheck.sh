#!/bin/bash
# tradebot-healthcheck [PORT] [PATH]: exit 0 when GET PATH on 127.0.0.1:PORT answers HTTP 200.
# Plain bash (/dev/tcp), so the runtime image needs no curl. Defaults: 8080 /health.
set -u
port=${1:-8080}
path=${2:-/health}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || exit 1
status=${status%$'\r'}
if [[ $status == HTTP/1.?" 200"* ]]; then
  exit 0
fi
echo "tradebot-healthcheck: GET $path on port $port: ${status:-no answer}" >&2
exit 1
