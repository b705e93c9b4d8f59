#!/usr/bin/env bash
# Installs what the test suite runs against, from Debian's packages, when it is missing:
# the CNCF distribution registry, skopeo (an independent client to cross-check digests),
# redis-server and redis-sentinel (the shared digest store and its failover), openssl (test certificates),
# sqlite3 (a second process holding the SQLite store locked), podman (`podman login` writes the
# containers auth.json the credential tests read; with runc it builds the pinned Dockerfiles), squid (the
# HTTP proxy the proxy tests go through), python3 (a listener that never accepts, for the timeout tests)
# pre-commit (the hooks are run through it) and debootstrap (with podman and runc, the webhook image is
# built and run in the tests: npm run image). Safe to run again; does
# nothing when all are present. Arguments narrow the list (the demo needs only the registry and openssl).
set -euo pipefail
wanted=("$@")
if [ ${#wanted[@]} -eq 0 ]; then wanted=(docker-registry skopeo redis-server openssl redis-sentinel sqlite3 podman runc squid python3 pre-commit debootstrap); fi
need=()
for command in "${wanted[@]}"; do
  # squid lives in /usr/sbin, which is not on every user's PATH.
  command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || need+=("$command")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing from apt: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
