#!/usr/bin/env bash
# The README's run command: install what is missing, build, and run the main job on embedded defaults
# (no API key, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/setup.sh
swift build --product switchboard
exec .build/debug/switchboard demo "$@"
