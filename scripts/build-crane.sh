#!/usr/bin/env bash
# Builds `crane` (go-containerregistry's CLI), the peer the resolve benchmark compares against, from
# Debian's source package golang-github-google-go-containerregistry-dev (bookworm-backports) with
# Debian's Go, in GOPATH mode against Debian's Go library packages: no module download. The binary is
# cached outside the repository (default ~/.cache/imagepin-bench/crane; IMAGEPIN_CRANE_CACHE overrides)
# and never committed. Prints the binary's path. Safe to run again: a cached binary is reused.
set -euo pipefail
cache="${IMAGEPIN_CRANE_CACHE:-$HOME/.cache/imagepin-bench}"
binary="$cache/crane"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
source_dir=/usr/share/gocode/src/github.com/google/go-containerregistry
if [ ! -d "$source_dir/cmd/crane" ]; then
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "adding bookworm-backports to apt sources" >&2
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | $sudo tee /etc/apt/sources.list.d/imagepin-bench-backports.sources >/dev/null
  fi
  $sudo apt-get update -qq
  echo "installing golang-github-google-go-containerregistry-dev from bookworm-backports" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports golang-github-google-go-containerregistry-dev >/dev/null
fi
# The newest Debian Go toolchain installed (golang-1.NN from backports when the source needs it).
go=""
for candidate in $(ls -d /usr/lib/go-1.* 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/bin/go" ]; then go="$candidate/bin/go"; break; fi
done
if [ -z "$go" ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends -t bookworm-backports golang-go >/dev/null
  go=$(command -v go)
fi
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building crane with $($go version)" >&2
GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS=-mod=mod GOCACHE="$work/cache" GOTOOLCHAIN=local \
  "$go" build -o "$work/crane" github.com/google/go-containerregistry/cmd/crane
mv "$work/crane" "$binary"
echo "$binary"
