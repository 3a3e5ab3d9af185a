#!/usr/bin/env bash
# Builds the franz-go latency client (bench/latency-client-go) into ~/.cache/kafka-lab/latency-client,
# for `LATENCY_CLIENT=~/.cache/kafka-lab/latency-client npm run bench:log`. franz-go comes from the Go
# module proxy into a temporary module and is never part of this repository.
set -euo pipefail
out="${1:-$HOME/.cache/kafka-lab/latency-client}"
command -v go >/dev/null || { echo "error: Go is needed to build the latency client" >&2; exit 1; }
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/latency-client-go/main.go" "$work/"
cd "$work"
go mod init latency-client >/dev/null 2>&1
go get github.com/twmb/franz-go@v1.22.3
go mod tidy
mkdir -p "$(dirname "$out")"
go build -o "$out" .
echo "built $out"
