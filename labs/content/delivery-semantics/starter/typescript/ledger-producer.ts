// Steps 6–7: write ledger entries one by one, every 50 ms, and say which the cluster acknowledged.
// The lab kills brokers while it runs. Two set-ups (3 replicas each):
//   1    acks=1   to ledger-acks-1, unclean leader election allowed
//   all  acks=all to ledger-acks-all, min.insync.replicas 2, unclean leader election off
//   node delivery-semantics/typescript/ledger-producer.ts <1|all> [count]
import { Partitioners } from 'kafkajs';
import { client, ensureTopic, RETRIES } from './payments.ts';

const level = process.argv[2] === 'all' ? 'all' : '1';
const count = Number(process.argv[3] ?? 80);
const topic = `ledger-acks-${level}`;
const run = Date.now().toString(36); // each run's entries differ from the last run's
const kafka = client(`ledger-producer-${level}`);
// TODO: create the topic (ensureTopic) with the configs: for "all", min.insync.replicas=2 and
//       unclean.leader.election.enable=false; for "1", unclean.leader.election.enable=true.

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: RETRIES });
await producer.connect();
for (let i = 0; i < count; i++) {
  const value = `entry-${i} of run ${run}`;
  // TODO: send { value } to the topic with acks -1 for "all", 1 otherwise; print whether it was
  //       acknowledged (a failed send throws: catch it and go on).
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await producer.disconnect();
