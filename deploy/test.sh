#!/usr/bin/env bash
# The README's test command: install what is missing, build, run the whole test suite (unit tests and the
# integration tests against real peers: sipp, espeak-ng, sox). `.ci/run` calls exactly this.
#
#   deploy/test.sh               everything (unit + integration)
#   deploy/test.sh unit          the unit group: every test not tagged `.integration` (under a minute)
#   deploy/test.sh integration   only the tests tagged `.integration` (real sockets, peers, child processes)
#
# Swift Testing on this toolchain has no tag filter on the command line, so the groups are made from the tags
# themselves: the test bundle lists its tests with their tags (event stream), and the IDs of those tagged
# `.integration` become one `--skip` (unit) or `--filter` (integration) expression.
set -euo pipefail
cd "$(dirname "$0")/.."
group="${1:-all}"
case "$group" in
all | unit | integration) ;;
*)
    echo "usage: deploy/test.sh [unit|integration]" >&2
    exit 2
    ;;
esac
if [ "${SWITCHBOARD_SKIP_SETUP:-0}" != 1 ]; then ./deploy/setup.sh; fi
swift build --build-tests
if [ "$group" = all ]; then
    exec swift test --skip-build --no-parallel
fi

bundle="$(swift build --show-bin-path)/switchboardPackageTests.xctest"
listing="$(mktemp)"
trap 'rm -f "$listing"' EXIT
"$bundle" --testing-library swift-testing --list-tests --event-stream-output-path "$listing" \
    --event-stream-version 0 >/dev/null
# Each tagged test or suite is one JSON line: {"kind":"test","payload":{"_tags":[".integration"],"id":"Module.Suite",...}}.
# A suite's ID is a prefix of its tests' IDs, so matching the suite covers them.
pattern="$(grep '"_tags":\[[^]]*"\.integration"' "$listing" |
    sed -E 's/.*"id":"([^"]*)".*/\1/; s#\\/#/#g; s/[][\.*^$()+?{}|]/\\&/g' |
    sed -E 's#^(.*)$#^\1(/|$)#' | paste -sd '|' -)"
if [ -z "$pattern" ]; then
    echo "no test is tagged .integration" >&2
    [ "$group" = unit ] && exec swift test --skip-build --no-parallel
    exit 1
fi
if [ "$group" = unit ]; then
    exec swift test --skip-build --no-parallel --skip "$pattern"
else
    exec swift test --skip-build --no-parallel --filter "$pattern"
fi
