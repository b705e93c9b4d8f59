#!/usr/bin/env bash
# Installs what the test suite runs against, from Debian's packages, when it is missing:
# the CNCF distribution registry, skopeo (an independent client to cross-check digests),
# redis-server (the shared digest store), openssl (test certificates), and podman, runc and debootstrap
# (the webhook image is built and run in the tests: npm run image). Safe to run again; does
# nothing when all are present. Arguments narrow the list (the demo needs only the registry and openssl).
set -euo pipefail
wanted=("$@")
if [ ${#wanted[@]} -eq 0 ]; then wanted=(docker-registry skopeo redis-server openssl podman runc debootstrap); fi
need=()
for command in "${wanted[@]}"; do
  command -v "$command" >/dev/null 2>&1 || need+=("$command")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing from apt: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
