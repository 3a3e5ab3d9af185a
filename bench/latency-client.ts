// The two halves of the produce→consume latency benchmark (bench/disk-log.ts), each a process of
// its own, as a course's producer and consumer are:
//
//   consume <bootstrap> <topic> <warm-up ms> <measure ms>
//       a kafkajs consumer group member; prints "ready" once it has its partition, then, for every
//       record stamped during the measured window, when it arrived minus when it was sent; prints
//       the percentiles as JSON and exits
//   produce <bootstrap> <topic> <rate> <seconds>
//       a kafkajs producer (acks=1) sending 1 KB records at a steady rate, each stamped with the
//       moment it was handed to the client; sends what is due every millisecond
//
// Both read the same clock: performance.timeOrigin + performance.now(), in fractional ms.

import { Kafka, logLevel, Partitioners } from 'kafkajs';

// kafkajs 2.2.4 arms a timer with a negative delay after every response, which Node 24 warns about.
for (const listener of process.listeners('warning')) process.off('warning', listener);

const now = () => performance.timeOrigin + performance.now();
const [mode, bootstrap, topic, a, b] = process.argv.slice(2);
const kafka = new Kafka({ brokers: bootstrap.split(','), clientId: 'kafka-lab-latency', logLevel: logLevel.NOTHING });
const PAYLOAD = 'x'.repeat(1000);
const MAX_PER_SEND = 500;

async function consume(warmUpMs: number, measureMs: number): Promise<void> {
  const consumer = kafka.consumer({ groupId: `latency-${process.pid}`, maxWaitTimeInMs: 500, minBytes: 1 });
  const latencies: number[] = [];
  let windowStart = Infinity;
  let windowEnd = Infinity;
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const arrived = now();
      for (const message of batch.messages) {
        const sent = Number(message.value!.subarray(0, 20).toString());
        if (windowStart === Infinity) {
          windowStart = sent + warmUpMs;
          windowEnd = windowStart + measureMs;
        }
        if (sent >= windowStart && sent < windowEnd) latencies.push(arrived - sent);
        if (sent >= windowEnd) finish();
      }
    },
  });
  // A producer that dies early must not leave the benchmark waiting: give up a minute after the window.
  const giveUp = setTimeout(finish, warmUpMs + measureMs + 60_000);
  await finished;
  clearTimeout(giveUp);
  await consumer.disconnect();
  latencies.sort((x, y) => x - y);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  process.stdout.write(`${JSON.stringify({ count: latencies.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: latencies.at(-1) })}\n`);
}

async function produce(rate: number, seconds: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const started = now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (now() - started < seconds * 1000) {
    // What is due since the start, in sends of at most 500 records (a late timer must not make one batch too large).
    for (let due = Math.floor(((now() - started) / 1000) * rate) - sent; due > 0; due -= MAX_PER_SEND) {
      const count = Math.min(due, MAX_PER_SEND);
      const stamp = now().toFixed(3).padStart(20, '0');
      const sending = producer.send({ topic, acks: 1, messages: Array.from({ length: count }, () => ({ partition: 0, value: stamp + PAYLOAD })) });
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
      sent += count;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  process.stdout.write(`${JSON.stringify({ sent, seconds: (now() - started) / 1000 })}\n`);
}

if (mode === 'consume') await consume(Number(a), Number(b));
else await produce(Number(a), Number(b));
