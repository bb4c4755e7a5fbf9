#!/usr/bin/env bash
# The README's test command: install what is missing, build, run the whole test suite (unit tests and the
# integration tests against real peers: sipp, espeak-ng, sox). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/setup.sh
swift build --build-tests
swift test --skip-build --no-parallel
