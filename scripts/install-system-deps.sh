#!/usr/bin/env bash
# Installs the Debian packages Footfall needs, only those missing.
#   runtime: Python venv support and Node.js (to build the tracker and dashboard)
#   test:    runtime plus the system Chromium for browser tests, and the servers the
#            scale-out tests start on loopback (PostgreSQL, Redis, ClickHouse)
set -euo pipefail

group="${1:-runtime}"
packages=(python3 python3-venv python3-pip nodejs npm ca-certificates)
if [ "$group" = "test" ]; then
  packages+=(chromium fonts-liberation postgresql redis-server clickhouse-server wrk)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    # A tool may be present without the Debian package (pyenv Python, nodesource Node).
    case "$pkg" in
      python3) command -v python3 >/dev/null && continue ;;
      python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;;
      python3-pip) python3 -m pip --version >/dev/null 2>&1 && continue ;;
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      chromium) [ -x /usr/bin/chromium ] && continue ;;
      postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && continue ;;
      redis-server) command -v redis-server >/dev/null && continue ;;
      clickhouse-server) command -v clickhouse-server >/dev/null && continue ;;
      wrk) command -v wrk >/dev/null && continue ;;
    esac
    missing+=("$pkg")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
