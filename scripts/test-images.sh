#!/usr/bin/env bash
# Builds the testapp binaries (v1, v2, broken) and FROM-scratch images, and pushes them to the local registry as
# 127.0.0.1:5000/testapp:{v1,v2,broken}. Skips a tag when the registry already holds what the current sources build.
#
#   test-images.sh [DOCKER_HOST]   host that builds and pushes; default unix://$DOCKERERA_ENV/h2/docker.sock
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HOST=${1:-unix://$DOCKERERA_ENV/h2/docker.sock}
REGISTRY=${REGISTRY_ADDR:-127.0.0.1:5000}
SRC=$ROOT_DIR/testapp
BUILD=$DOCKERERA_ENV/build
CFLAGS=(-O2 -static -pthread)
TAGS=(v1 v2 broken)
export DOCKER_BUILDKIT=0 # the machine's CLI may be newer than the 20.10 daemons, which have no BuildKit API

ensure_packages gcc libc6-dev curl
command -v docker >/dev/null || ensure_packages docker.io
curl -fsS -m 2 -o /dev/null "http://$REGISTRY/v2/" || die "no registry answers on $REGISTRY: run scripts/registry.sh up"
mkdir -p "$BUILD"

# everything that makes an image: sources, Dockerfile, flags
src_hash=$( { cat "$SRC/server.c" "$SRC/Dockerfile"; echo "${CFLAGS[*]}"; gcc -dumpfullversion; } | sha256sum | cut -c1-16)

registry_digest() { # TAG -> the manifest digest the registry holds for testapp:TAG, empty if none
    curl -fsSI -m 5 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://$REGISTRY/v2/testapp/manifests/$1" 2>/dev/null | tr -d '\r' |
        awk -F': ' 'tolower($1) == "docker-content-digest" {print $2}' || true
}

docker_ok=
for tag in "${TAGS[@]}"; do
    stamp=$BUILD/$tag.pushed
    digest=$(registry_digest "$tag")
    if [ -n "$digest" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$src_hash $digest" ]; then
        continue # already pushed from these sources
    fi
    if [ -z "$docker_ok" ]; then
        docker -H "$HOST" version >/dev/null 2>&1 || die "no Docker daemon answers on $HOST: run scripts/docker-hosts.sh up 2"
        docker_ok=1
    fi
    ctx=$BUILD/$tag
    rm -rf "$ctx"
    mkdir -p "$ctx"
    defs=(-DVERSION="\"$tag\"")
    [ "$tag" = broken ] && defs+=(-DBROKEN)
    gcc "${CFLAGS[@]}" "${defs[@]}" -o "$ctx/testapp" "$SRC/server.c" || die "gcc failed for testapp:$tag"
    cp "$SRC/Dockerfile" "$ctx/"
    image=$REGISTRY/testapp:$tag
    out=$(docker -H "$HOST" build -q --label "org.dockerera.testapp.src=$src_hash" -t "$image" "$ctx" 2>&1) \
        || { printf '%s\n' "$out" >&2; die "docker build failed for $image"; }
    out=$(docker -H "$HOST" push "$image" 2>&1) || { printf '%s\n' "$out" >&2; die "docker push failed for $image"; }
    digest=$(registry_digest "$tag")
    [ -n "$digest" ] || die "the registry does not list $image after the push"
    echo "$src_hash $digest" >"$stamp"
    say "pushed $image ($digest)"
done
