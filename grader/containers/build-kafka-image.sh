#!/usr/bin/env bash
# Builds kafka-lab's Kafka image for Testcontainers where no image registry is reachable: a Debian
# bookworm rootfs (debootstrap --variant=minbase from this machine's apt mirror) with
# openjdk-17-jre-headless, Apache Kafka's jars from Maven Central (the cache `npm run kafka:real --
# --prefetch` fills), and grader/containers/kafka/run as /etc/confluent/docker/run, so the stock
# @testcontainers/kafka KafkaContainer drives it as it drives confluentinc/cp-kafka.
#
# The tag (8.0.0) is the cp-kafka layout version KafkaContainer reads to pick KRaft mode; the
# image carries Apache Kafka $KAFKA_VERSION. Skipped when the image exists (--force rebuilds).
# The rootfs tarball is cached in ~/.cache/kafka-lab/images/.
#
# Usage: bash grader/containers/build-kafka-image.sh [--force]     (root, podman, debootstrap)

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
KAFKA_VERSION=${KAFKA_VERSION:-4.3.1}
IMAGE=${KAFKA_LAB_KAFKA_IMAGE:-localhost/kafka-lab/kafka-${KAFKA_VERSION}:8.0.0}
CACHE=${KAFKA_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-lab}
LIBS=$CACHE/kafka-$KAFKA_VERSION/libs
ROOTFS_TAR=$CACHE/images/bookworm-minbase-jre17.tar
say() { printf '[kafka-image] %s\n' "$*" >&2; }

if [[ ${1:-} != --force ]] && podman image exists "$IMAGE"; then
  say "$IMAGE exists"
  echo "$IMAGE"
  exit 0
fi
[[ -f $LIBS/.complete ]] || { say "no Kafka $KAFKA_VERSION jars in $LIBS: run npm run kafka:real -- --prefetch first"; exit 1; }

if [[ ! -f $ROOTFS_TAR ]]; then
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  # The machine's own Debian mirror (deb822 sources, else sources.list).
  mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)\/\{0,1\}$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  [[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  mirror=${mirror:-http://deb.debian.org/debian}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  say "debootstrap bookworm (minbase + openjdk-17-jre-headless) from $mirror"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log" >&2; exit 1; }
  chroot "$work/rootfs" apt-get clean
  rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/*
  mkdir -p "$(dirname "$ROOTFS_TAR")"
  tar -C "$work/rootfs" -cf "$ROOTFS_TAR.partial" .
  mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
say "importing the rootfs and adding Kafka $KAFKA_VERSION's jars"
base=localhost/kafka-lab/bookworm-jre17:latest
podman image exists "$base" || podman import --quiet "$ROOTFS_TAR" "$base" >/dev/null
mkdir -p "$context/libs"
cp "$LIBS"/*.jar "$context/libs/"
cp kafka/run "$context/run"
cat >"$context/Containerfile" <<CONTAINERFILE
FROM $base
COPY libs/ /opt/kafka/libs/
COPY run /etc/confluent/docker/run
RUN chmod 755 /etc/confluent/docker/run && mkdir -p /etc/kafka /var/lib/kafka/data
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title="Apache Kafka $KAFKA_VERSION for kafka-lab (cp-kafka layout)"
CMD ["/etc/confluent/docker/run"]
CONTAINERFILE
podman build --quiet --network=none -t "$IMAGE" "$context" >/dev/null
say "built $IMAGE"
echo "$IMAGE"
