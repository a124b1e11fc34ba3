#!/usr/bin/env bash
# The comparison benchmark of issue #5 in one command, from anywhere in the
# checkout: bash bench/compare/run.sh [-smoke] [flags]. It is `go run
# ./bench/compare`; README.md in this folder explains what it does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec go run ./bench/compare "$@"
