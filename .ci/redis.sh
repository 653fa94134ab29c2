#!/usr/bin/env bash
# Start a Redis server on 127.0.0.1:6379 (installing Debian's redis-server if absent), for the
# shared cache (REDIS_URL, docs/deployment.md). Exit 1 only when no server can be started.
set -uo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
PORT="${REDIS_PORT:-6379}"

if redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; then
  echo "Redis is up on 127.0.0.1:$PORT."
  exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing Redis (Debian package)…"
  as_root apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null 2>&1 || exit 1
fi
# A cache, not a store: no snapshot on disk, the least recently used keys go when memory is full
# (the page cache's version token is random, so an evicted one never brings old pages back).
redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --save "" --appendonly no \
  --maxmemory "${REDIS_MAXMEMORY:-256mb}" --maxmemory-policy allkeys-lru \
  --logfile "${TMPDIR:-/tmp}/affiche-redis-$PORT.log" >/dev/null || exit 1
for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG || exit 1
echo "Redis is up on 127.0.0.1:$PORT."
