// The produce -> consume latency benchmark's two halves with franz-go's kgo client, a Go client fast
// enough that at 22,222 records/s the clients are not what is measured (bench/disk-log.ts,
// measure latency-franz). The same arguments and output as bench/latency-client.ts:
//
//	consume <bootstrap> <topic> <warm-up ms> <measure ms>   reads the topic's partition from its
//	    start; prints "ready" once it reaches the broker, then the percentiles as JSON
//	produce <bootstrap> <topic> <rate> <seconds>            1 KB records to partition 0, acks=1,
//	    no linger, each stamped with the moment it was handed to the client
//
// Built by bench/build-latency-client.sh; franz-go comes from the Go module proxy.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func nowMs() float64 { return float64(time.Now().UnixNano()) / 1e6 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func consume(bootstrap, topic string, warmUpMs, measureMs float64) {
	client, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		fail(err)
	}
	defer client.Close()
	if err := client.Ping(context.Background()); err != nil {
		fail(err)
	}
	fmt.Println("ready")
	var latencies []float64
	windowStart, windowEnd := -1.0, -1.0
	giveUp := time.Now().Add(time.Duration(warmUpMs+measureMs)*time.Millisecond + time.Minute)
	for done := false; !done && time.Now().Before(giveUp); {
		ctx, cancel := context.WithDeadline(context.Background(), giveUp)
		fetches := client.PollFetches(ctx)
		cancel()
		arrived := nowMs()
		fetches.EachRecord(func(r *kgo.Record) {
			sent, err := strconv.ParseFloat(string(r.Value[:20]), 64)
			if err != nil {
				return
			}
			if windowStart < 0 {
				windowStart = sent + warmUpMs
				windowEnd = windowStart + measureMs
			}
			if sent >= windowStart && sent < windowEnd {
				latencies = append(latencies, arrived-sent)
			}
			if sent >= windowEnd {
				done = true
			}
		})
	}
	sort.Float64s(latencies)
	at := func(q float64) float64 {
		if len(latencies) == 0 {
			return -1
		}
		i := int(q * float64(len(latencies)))
		if i >= len(latencies) {
			i = len(latencies) - 1
		}
		return latencies[i]
	}
	out, _ := json.Marshal(map[string]any{"count": len(latencies), "p50": at(0.5), "p99": at(0.99), "p999": at(0.999), "max": at(1)})
	fmt.Println(string(out))
}

func produce(bootstrap, topic string, rate, seconds float64) {
	client, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.DefaultProduceTopic(topic),
		kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite(), kgo.ProducerLinger(0), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		fail(err)
	}
	defer client.Close()
	payload := strings.Repeat("x", 1000)
	started := nowMs()
	sent := 0
	for nowMs()-started < seconds*1000 {
		for due := int((nowMs()-started)/1000*rate) - sent; due > 0; due-- {
			value := []byte(fmt.Sprintf("%020.3f", nowMs()) + payload)
			client.Produce(context.Background(), &kgo.Record{Value: value, Partition: 0}, func(_ *kgo.Record, err error) {
				if err != nil {
					fail(err)
				}
			})
			sent++
		}
		time.Sleep(time.Millisecond)
	}
	if err := client.Flush(context.Background()); err != nil {
		fail(err)
	}
	out, _ := json.Marshal(map[string]any{"sent": sent, "seconds": (nowMs() - started) / 1000})
	fmt.Println(string(out))
}

func main() {
	if len(os.Args) != 6 {
		fail(fmt.Errorf("usage: latency-client consume <bootstrap> <topic> <warm-up ms> <measure ms> | produce <bootstrap> <topic> <rate> <seconds>"))
	}
	a, errA := strconv.ParseFloat(os.Args[4], 64)
	b, errB := strconv.ParseFloat(os.Args[5], 64)
	if errA != nil || errB != nil {
		fail(fmt.Errorf("numbers expected, got %q %q", os.Args[4], os.Args[5]))
	}
	switch os.Args[1] {
	case "consume":
		consume(os.Args[2], os.Args[3], a, b)
	case "produce":
		produce(os.Args[2], os.Args[3], a, b)
	default:
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
}
