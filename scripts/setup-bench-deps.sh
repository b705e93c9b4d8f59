#!/usr/bin/env bash
# Installs what `npm run bench` measures against, from Debian's packages, when it is missing: what the
# tests need (scripts/setup-test-deps.sh), wrk (the webhook benchmark's load generator), and crane built
# from Debian's go-containerregistry source package (scripts/build-crane.sh; cached outside the repo).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup-test-deps.sh"
bash "$here/setup-test-deps.sh" wrk
bash "$here/build-crane.sh" >/dev/null
