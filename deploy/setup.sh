#!/usr/bin/env bash
# Installs what Switchboard needs on Debian 12 (idempotent): the C libraries it links, and the real peers
# its tests use (sipp, espeak-ng, sox, tshark, kamailio, baresip). Safe to run again: installs only what is missing.
set -euo pipefail

PACKAGES=(
    pkg-config
    libopus-dev
    libspeexdsp-dev
    libsqlite3-dev
    libespeak-ng-dev
    espeak-ng
    sox
    sip-tester
    tshark
    sqlite3
    kamailio
    baresip-core
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "deploy/setup.sh: installing ${missing[*]}" >&2
    # On a fresh machine the apt lists are empty: update before the first install.
    $SUDO apt-get update -qq
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
