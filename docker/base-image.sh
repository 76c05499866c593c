#!/usr/bin/env bash
# Builds the base image the Dockerfiles start from, debian:bookworm-slim, on a machine that cannot pull it: a
# minimal Debian bookworm root file system (debootstrap, from this machine's Debian mirror), imported under that
# tag. Where a registry is reachable, `docker pull debian:bookworm-slim` does the same. Does nothing when the image
# is there. Needs root, debootstrap and a Docker engine.
set -euo pipefail
TAG=debian:bookworm-slim
docker image inspect "$TAG" >/dev/null 2>&1 && exit 0
mirror=http://deb.debian.org/debian
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
fi
rootfs="$(mktemp -d)"
trap 'rm -rf --one-file-system "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { cat "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"
tar -C "$rootfs" -c . | docker import - "$TAG" >/dev/null
echo "built $TAG from $mirror"
