// Step 1: clicks per domain, as a table — read every click from the beginning (a group of its own
// each run: the job recomputes from the log), count per key, and write each domain's total to the
// compacted topic domain-totals, keyed by domain.
//   node pipelines/typescript/domain-totals.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'domain-totals', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
// TODO: create domain-totals (1 partition) with the config cleanup.policy=compact, unless it exists.
const ends = await admin.fetchTopicOffsets('clicks');
await admin.disconnect();

const totals = new Map<string, number>();
const left = new Map(ends.map((p) => [p.partition, Number(p.high)]));
// TODO: a consumer in a group of its own (`domain-totals-${Date.now()}`) reading clicks from the
//       beginning: count each click under its key (the domain); once every partition is read up
//       to its end (left), stop and disconnect.

// TODO: send one record per domain to domain-totals: key the domain, value its count as text.
