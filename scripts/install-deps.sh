#!/usr/bin/env bash
# Installs the Debian 12 packages tradebot needs, and only those that are missing.
# Idempotent; uses apt-get directly as root, or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git lld
  libboost1.81-all-dev libssl-dev libpqxx-dev libpq-dev libsystemd-dev libsimdjson-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev prometheus-cpp-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15 prometheus curl openssl procps iproute2
  docker-compose jq libpng-dev
  clang-14 libclang-rt-14-dev
)
# clang-14 and libclang-rt-14-dev (libFuzzer and clang's sanitizer runtimes) build the fuzz targets
# of tests/fuzz (scripts/fuzz.sh, the `fuzz` preset); the GCC builds do not use them.
# The HTML report's browser test (tests/integration/report) renders it in headless chromium; an
# image that only builds the binaries (docker/Dockerfile) sets INSTALL_DEPS_NO_BROWSER=1.
if [ "${INSTALL_DEPS_NO_BROWSER:-0}" != 1 ]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js runs the third-party exchange clients in the simulator's integration test; a machine may
# already have it from elsewhere than Debian (it then bundles npm), so look for the commands.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
