// The fault campaign: seeded random fault schedules (kills, restarts, network splits, heals) run
// against an embedded cluster while a kafkajs producer writes and a reader fetches what
// consumers may see, each judged by the history checker. A schedule's seed fixes its timeline; every step is awaited — the fault call, then the
// producer's acknowledgement or its final error — so no step depends on wall-clock sleeps. Each
// schedule ends healed, with every broker restarted and the replicas caught up, and one more
// write (producers recover after leader moves) before the checker reads the final logs.
//
// Used by simulator/test/fault-campaign.test.ts (the proof) and bench/chaos.ts (schedules/minute).

import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Random } from '../cluster/random.ts';
import type { NetworkNode } from '../faults/network.ts';
import { startCluster, type ClusterHandle, type ClusterOptions } from '../index.ts';
import { recordHistory, type HistoryRecorder, type HistoryReport } from '../history/index.ts';
import { internalCluster, leaderBroker, type InternalCluster } from './kafkajs-internal.ts';
import { fetchOnce } from './read-partition.ts';

export type FaultStep =
  | { kind: 'kill' | 'restart'; broker: number }
  | { kind: 'split'; sides: [NetworkNode[], NetworkNode[]] }
  | { kind: 'heal' };

export interface ScheduleShape {
  /** Brokers of the cluster, ids 1..brokers (default 3). */
  brokers?: number;
  /** Random faults before the closing heal and restarts (default 4). */
  faults?: number;
}

/** The fault timeline a seed stands for: random faults, then a heal and a restart of every broker left down. */
export function faultSchedule(seed: number, { brokers = 3, faults = 4 }: ScheduleShape = {}): FaultStep[] {
  const random = new Random(seed);
  const ids = Array.from({ length: brokers }, (_, i) => i + 1);
  const pick = <T>(xs: T[]): T => xs[random.int(xs.length)];
  const shuffled = <T>(xs: T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  const down = new Set<number>();
  let split = false;
  const steps: FaultStep[] = [];
  for (let i = 0; i < faults; i++) {
    const up = ids.filter((id) => !down.has(id));
    const choices: [number, () => FaultStep][] = [[2, () => ({ kind: 'split', sides: brokerSplit() })], [1, () => ({ kind: 'split', sides: [['clients'], [pick(ids)]] })]];
    if (down.size < brokers - 1) choices.push([3, () => ({ kind: 'kill', broker: pick(up) })]);
    if (down.size > 0) choices.push([2, () => ({ kind: 'restart', broker: pick([...down].sort((a, b) => a - b)) })]);
    if (split) choices.push([2, () => ({ kind: 'heal' })]);
    let roll = random.int(choices.reduce((sum, [weight]) => sum + weight, 0));
    const [, make] = choices.find(([weight]) => (roll -= weight) < 0)!;
    const step = make();
    if (step.kind === 'kill') down.add(step.broker);
    if (step.kind === 'restart') down.delete(step.broker);
    if (step.kind === 'split') split = true;
    if (step.kind === 'heal') split = false;
    steps.push(step);
  }
  if (split) steps.push({ kind: 'heal' });
  for (const broker of [...down].sort((a, b) => a - b)) steps.push({ kind: 'restart', broker });
  return steps;

  function brokerSplit(): [NetworkNode[], NetworkNode[]] {
    const order = shuffled(ids);
    const cut = 1 + random.int(brokers - 1);
    const sort = (xs: number[]) => xs.sort((a, b) => a - b);
    return [sort(order.slice(0, cut)), sort(order.slice(cut))];
  }
}

export function describeStep(step: FaultStep): string {
  if (step.kind === 'split') return `split ${step.sides[0].join(',')} | ${step.sides[1].join(',')}`;
  if (step.kind === 'heal') return 'heal';
  return `${step.kind} ${step.broker}`;
}

export async function applyStep(cluster: ClusterHandle, step: FaultStep): Promise<void> {
  if (step.kind === 'kill') await cluster.killBroker(step.broker);
  else if (step.kind === 'restart') await cluster.restartBroker(step.broker);
  else if (step.kind === 'split') cluster.partition(...step.sides);
  else cluster.heal();
}

export interface CampaignSettings extends ScheduleShape {
  /** acks for every write (default -1). */
  acks?: -1 | 1;
  /** min.insync.replicas of each schedule's topic (default 2). */
  minInsyncReplicas?: number;
  replicationFactor?: number;
  partitions?: number;
  /** Records per partition per write (default 2). */
  recordsPerWrite?: number;
  /** How long the replicas may take to catch up once everything is healed (default 15 s). */
  settleTimeoutMs?: number;
}

export interface ScheduleResult {
  seed: number;
  topic: string;
  timeline: string[];
  writes: { acknowledged: number; failed: number };
  /** The write after the closing heal and restarts succeeded (within a few tries): the producer found the new leaders. */
  recovered: boolean;
  report: HistoryReport;
  /** Why the schedule could not be judged (the cluster never settled), if so. */
  error?: string;
  passed: boolean;
}

/** A cluster and a kafkajs producer that run schedules one after another, each on a fresh topic. */
export class CampaignCluster {
  private producerConnected = false;
  private topics = 0;

  private constructor(
    readonly cluster: ClusterHandle,
    private readonly producer: Producer,
    /** kafkajs's own Fetch path, without a group: reads what any consumer could see. */
    private readonly reader: InternalCluster,
  ) {}

  /** Options that keep faults short: fencing and ISR shrinks within a few hundred milliseconds. */
  static readonly clusterOptions: ClusterOptions = {
    brokers: 3,
    autoCreateTopics: false,
    replicaLagTimeMaxMs: 300,
    brokerSessionTimeoutMs: 300,
    replicationTickMs: 20,
    groupInitialRebalanceDelayMs: 0,
  };

  static async start(options: ClusterOptions = {}): Promise<CampaignCluster> {
    const cluster = await startCluster({ ...CampaignCluster.clusterOptions, ...options });
    const kafka = new Kafka({
      brokers: cluster.bootstrapServers,
      clientId: 'campaign',
      logLevel: logLevel.NOTHING,
      requestTimeout: 500,
      connectionTimeout: 300,
      retry: { retries: 2, initialRetryTime: 20, maxRetryTime: 200 },
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 3, initialRetryTime: 20, maxRetryTime: 200 } });
    return new CampaignCluster(cluster, producer, internalCluster(kafka));
  }

  async run(seed: number, settings: CampaignSettings = {}): Promise<ScheduleResult> {
    const { acks = -1, minInsyncReplicas = 2, replicationFactor = 3, partitions = 2, recordsPerWrite = 2, settleTimeoutMs = 15_000 } = settings;
    const { cluster, producer } = this;
    if (!this.producerConnected) {
      await producer.connect();
      await this.reader.connect();
      this.producerConnected = true;
    }
    const topic = `campaign-${seed}-${++this.topics}`;
    cluster.createTopic({ name: topic, partitions, replicationFactor, configs: { 'min.insync.replicas': String(minInsyncReplicas) } });
    const history = recordHistory(cluster, { topics: [topic] });
    const writes = { acknowledged: 0, failed: 0 };
    let round = 0;
    const write = async (): Promise<boolean> => {
      round++;
      let ok = false;
      const messages = Array.from({ length: partitions }, (_, partition) =>
        Array.from({ length: recordsPerWrite }, (_, i) => ({ partition, key: `p${partition}`, value: `${seed}:${round}:${partition}:${i}` })),
      );
      try {
        const acknowledged = await producer.send({ topic, acks, timeout: 300, messages: messages.flat() });
        for (const { partition, baseOffset } of acknowledged) {
          // The client's own view of its acknowledgement, beside the broker's.
          messages[partition].forEach((m, i) => history.acknowledged({ topic, partition, offset: Number(baseOffset) + i, key: m.key, value: m.value, clientId: 'campaign' }));
        }
        writes.acknowledged++;
        ok = true;
      } catch {
        writes.failed++;
      }
      await this.read(topic, positions, history);
      return ok;
    };
    const positions = Array.from({ length: partitions }, () => 0);

    const timeline: string[] = [];
    let error: string | undefined;
    let recovered = false;
    try {
      await write();
      for (const step of faultSchedule(seed, settings)) {
        await applyStep(cluster, step);
        timeline.push(describeStep(step));
        await write();
      }
      await settled(cluster, topic, settleTimeoutMs);
      // kafkajs may still hold a leader from before the faults: a few tries let it find the new ones.
      for (let attempt = 0; attempt < 5 && !recovered; attempt++) recovered = await write();
      await settled(cluster, topic, settleTimeoutMs);
    } catch (failure) {
      error = (failure as Error).message;
    }
    history.stop();
    const report = history.check();
    return { seed, topic, timeline, writes, recovered, report, error, passed: report.ok && error === undefined && recovered };
  }

  /** One fetch per partition from where the last one stopped; a fault that gets in the way skips the partition this round. */
  private async read(topic: string, positions: number[], history: HistoryRecorder): Promise<void> {
    for (let partition = 0; partition < positions.length; partition++) {
      try {
        const broker = await leaderBroker(this.reader, topic, partition);
        const { messages } = await fetchOnce(broker, topic, partition, positions[partition], { maxWaitTime: 0, maxBytes: 1 << 20 });
        for (const message of messages) {
          history.consumed({ topic, partition, offset: message.offset, key: message.key, value: message.value, consumer: 'reader' });
          positions[partition] = Number(message.offset) + 1;
        }
      } catch {
        // Fetching during a fault fails as it would for any consumer (a partition without a
        // leader included); the next round tries again.
      }
    }
  }

  async stop(): Promise<void> {
    if (this.producerConnected) {
      await this.producer.disconnect().catch(() => {});
      await this.reader.disconnect().catch(() => {});
    }
    await this.cluster.stop();
  }
}

/**
 * Resolves once the topic is whole again: every broker up and unfenced, every partition led,
 * every replica in sync with the leader's log end, and no zombie leader left. Polls; never sleeps blind.
 */
export async function settled(cluster: ClusterHandle, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let why = '';
  for (;;) {
    const snapshot = cluster.describe();
    const partitions = snapshot.topics.find((t) => t.name === topic)?.partitions ?? [];
    const broker = snapshot.brokers.find((b) => b.state !== 'up' || b.fenced);
    const unsettled = partitions.find(
      (p) =>
        p.leader < 0 ||
        p.isr.length !== p.replicas.length ||
        p.highWatermark !== p.logEndOffset ||
        p.replicaStates.some((r) => r.logEndOffset !== p.logEndOffset || r.believesLeader !== (r.brokerId === p.leader)),
    );
    if (!broker && !unsettled) return;
    why = broker ? `broker ${broker.id} is ${broker.state}${broker.fenced ? ', fenced' : ''}` : `${topic}[${unsettled!.partition}]: ${JSON.stringify(unsettled)}`;
    if (Date.now() > deadline) throw new Error(`the cluster did not settle within ${timeoutMs} ms: ${why}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface CampaignOptions extends CampaignSettings {
  /** How many schedules (default 200), seeds firstSeed, firstSeed+1, ... */
  schedules?: number;
  firstSeed?: number;
  /** Schedules per cluster before a fresh one starts (default 10). */
  perCluster?: number;
  /**
   * Clusters running schedules side by side (default 8). A schedule mostly waits for timeouts and
   * retries, not for the CPU, so several share a core well.
   */
  parallel?: number;
  onResult?: (result: ScheduleResult) => void;
}

export interface CampaignResult {
  results: ScheduleResult[];
  passed: number;
  failed: number;
  /** "N passed, M failed" */
  line: string;
  elapsedMs: number;
}

/** Runs many seeded schedules over a few clusters. */
export async function runCampaign(options: CampaignOptions = {}): Promise<CampaignResult> {
  const { schedules = 200, firstSeed = 1, perCluster = 10, parallel = 8, onResult, ...settings } = options;
  const started = performance.now();
  const seeds = Array.from({ length: schedules }, (_, i) => firstSeed + i);
  const batches: number[][] = [];
  for (let i = 0; i < seeds.length; i += perCluster) batches.push(seeds.slice(i, i + perCluster));
  const results: ScheduleResult[] = [];
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let runner = await CampaignCluster.start({ seed: batch[0] });
      try {
        for (const seed of batch) {
          const result = await runner.run(seed, settings);
          results.push(result);
          onResult?.(result);
          if (result.error) {
            // A cluster that never settled would spoil the next schedule: carry on with a fresh one.
            await runner.stop();
            runner = await CampaignCluster.start({ seed });
          }
        }
      } finally {
        await runner.stop();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  results.sort((a, b) => a.seed - b.seed);
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  return { results, passed, failed, line: `${passed} passed, ${failed} failed`, elapsedMs: performance.now() - started };
}
