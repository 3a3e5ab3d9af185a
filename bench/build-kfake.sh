#!/usr/bin/env bash
# Builds franz-go's kfake (an in-memory Kafka broker in Go) into ~/.cache/kafka-lab/kfake, for
# `KFAKE=~/.cache/kafka-lab/kfake npm run bench:log`. The program is a few lines written here into a
# temporary module; franz-go comes from the Go module proxy and is never part of this repository.
# kfake's pseudo-version needs a franz-go newer than the one its go.mod names: pinned below.
set -euo pipefail
out="${1:-$HOME/.cache/kafka-lab/kfake}"
command -v go >/dev/null || { echo "error: Go is needed to build kfake" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/main.go" <<'GO'
// kfake as a process: --brokers N, prints bootstrap=host:port when ready, stops on SIGTERM.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	brokers := flag.Int("brokers", 1, "number of brokers")
	flag.Parse()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(*brokers), kfake.AllowAutoTopicCreation())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("bootstrap=%s\n", cluster.ListenAddrs()[0])
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	cluster.Close()
}
GO
cd "$work"
go mod init kfake-bench >/dev/null 2>&1
go get github.com/twmb/franz-go/pkg/kfake@latest github.com/twmb/franz-go@v1.22.3
go mod tidy
mkdir -p "$(dirname "$out")"
go build -o "$out" .
echo "built $out"
