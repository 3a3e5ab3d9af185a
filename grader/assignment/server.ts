// The assignment server: the state dir's groups and store, a Kafka cluster (the one given, or an
// embedded one keeping its data in <dir>/cluster), the topics and ACLs it needs, the transaction
// feed and the verdict loop, and a heartbeat in the store for `kafka-lab assignment status`.
//
//   const server = await startAssignmentServer({ dir: 'class-2026' });          // embedded cluster
//   const server = await startAssignmentServer({ dir, bootstrapServers: ['kafka:9092'] });
//   server.scoreboard().groups;   // submitted, accepted, refused, last seen, first success
//   await server.stop();

import { EventEmitter } from 'node:events';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { ClusterHandle } from '../../simulator/index.ts';
import type { ClientSecurity } from '../providers/types.ts';
import { grantGroupAcls } from './access.ts';
import { TransactionGenerator } from './generator.ts';
import { scoreboard, STATUS_KEY, type Scoreboard, type ServerStatus } from './scoreboard.ts';
import { AssignmentError, CLUSTER_DIR, lockStateDir, readConfig, serverGroupId, statePath, STORE_FILE, type AssignmentConfig } from './state.ts';
import { AssignmentStore } from './store.ts';
import { ensureTopics } from './topics.ts';
import { TransactionFeed } from './transaction-feed.ts';
import { VerdictLoop, type AnsweredVerdict } from './verdict-loop.ts';
import { Verifier } from './verifier.ts';

export interface ServeOptions {
  dir: string;
  /** The cluster to serve on; without it an embedded cluster is started, its data in <dir>/cluster. */
  bootstrapServers?: string[];
  /** How the server logs in; by default as the assignment's TA user when it has SASL. */
  security?: ClientSecurity;
  /** The embedded cluster's port (default 0: a free one). */
  port?: number;
  /** Overrides of the dir's settings for this run. */
  ratePerSecond?: number;
  rateLimit?: { perSecond: number; burst: number };
  deadline?: Date;
  /** Makes no more than this many transactions in all (a grading run's fixed stream); no end without it. */
  transactions?: number;
  /**
   * When the cluster is not the one the store's verdicts came from (another cluster id, or a submit
   * topic shorter than what was judged): refuse to start (default), or start afresh (a practice
   * server on a lab's throw-away cluster).
   */
  onNewCluster?: 'refuse' | 'reset';
  log?: (line: string) => void;
}

export interface AssignmentServer {
  dir: string;
  config: AssignmentConfig;
  bootstrapServers: string[];
  /** The embedded cluster, when the server started one. */
  embedded?: ClusterHandle;
  scoreboard(): Scoreboard;
  /** Changes how many transactions are made in all (undefined: no end). */
  setTransactionLimit(limit: number | undefined): void;
  /** `answered` after every batch of verdicts is committed; `fatal` when the server had to stop. */
  events: EventEmitter<{ answered: [AnsweredVerdict[]]; fatal: [Error] }>;
  stop(): Promise<void>;
}

const CLUSTER_KEY = 'cluster-id';
const HEARTBEAT_MS = 1000;
const LAG_EVERY = 2;

export async function startAssignmentServer(options: ServeOptions): Promise<AssignmentServer> {
  const log = options.log ?? (() => {});
  const config = { ...readConfig(options.dir) };
  if (options.ratePerSecond !== undefined) config.ratePerSecond = options.ratePerSecond;
  if (options.rateLimit !== undefined) config.rateLimit = options.rateLimit;
  if (options.deadline !== undefined) config.deadline = options.deadline.toISOString();

  const cleanups: (() => unknown)[] = [];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await Promise.resolve().then(step).catch(() => {});
  };
  try {
    cleanups.push(lockStateDir(options.dir));
    const store = AssignmentStore.open(statePath(options.dir, STORE_FILE));
    cleanups.push(() => store.close());

    let embedded: ClusterHandle | undefined;
    let bootstrapServers = options.bootstrapServers;
    if (!bootstrapServers) {
      embedded = await startEmbedded(options.dir, config, options.port ?? 0);
      cleanups.push(() => embedded!.stop());
      bootstrapServers = embedded.bootstrapServers;
    }
    const security = options.security ?? (config.sasl ? { sasl: { mechanism: config.sasl.mechanism, username: config.sasl.ta.username, password: config.sasl.ta.password } } : {});
    const kafka = new Kafka({ clientId: 'kafka-lab-assignment', brokers: bootstrapServers, logLevel: logLevel.NOTHING, ...security } as ConstructorParameters<typeof Kafka>[0]);

    const admin = kafka.admin();
    cleanups.push(() => admin.disconnect());
    try {
      await admin.connect();
    } catch (error) {
      throw new AssignmentError(`cannot reach the cluster at ${bootstrapServers.join(',')}: ${(error as Error).message}`);
    }
    await checkCluster(admin, store, config, options.onNewCluster ?? 'refuse', log);
    const { created, brokerTimestamps } = await ensureTopics(admin, config);
    if (created.length > 0) log(`created topics ${created.join(', ')}`);
    if (!brokerTimestamps) log(`topic ${config.topics.submit} keeps its producers' timestamps: deadlines and rate limits go by when the server reads a submission`);
    if (config.sasl) {
      const enforced = await grantGroupAcls(admin, config);
      log(enforced ? `ACLs granted to ${config.groups.length} group(s)` : 'the cluster has no authorizer: ACLs are not enforced, every user may do anything');
    }
    await checkSubmitTopic(admin, store, config);

    const feed = new TransactionFeed({ kafka, store, generator: new TransactionGenerator(config.seed), topic: config.topics.transaction, ratePerSecond: config.ratePerSecond, limit: options.transactions, log });
    cleanups.push(() => feed.stop());
    const metadata = await admin.fetchTopicMetadata({ topics: [config.topics.transaction] });
    await feed.start(metadata.topics[0]?.partitions.length ?? config.partitions);

    const events = new EventEmitter<{ answered: [AnsweredVerdict[]]; fatal: [Error] }>();
    const groupId = serverGroupId(config);
    const verifier = new Verifier({ groups: config.groups, store, rateLimit: config.rateLimit, deadline: config.deadline ? Date.parse(config.deadline) : undefined });
    const loop = new VerdictLoop({
      kafka,
      store,
      config,
      verifier,
      groupId,
      transactionalId: `${groupId}-results`,
      brokerTimestamps,
      log,
      onAnswered: (verdicts) => events.emit('answered', verdicts),
      onFatal: (error) => {
        log(`stopping: ${error.message}`);
        if (events.listenerCount('fatal') > 0) events.emit('fatal', error);
      },
    });
    cleanups.push(() => loop.stop());
    await loop.start();

    const heartbeat = startHeartbeat({ admin, store, config, groupId, bootstrap: bootstrapServers.join(','), problems: () => loop.lastError ?? feed.lastError });
    cleanups.push(heartbeat);
    log(`serving ${config.groups.length} group(s) on ${bootstrapServers.join(',')}: ${config.ratePerSecond} transaction(s)/s to ${config.topics.transaction}, verdicts on ${config.topics.result}`);

    let stopped: Promise<void> | undefined;
    return {
      dir: statePath(options.dir),
      config,
      bootstrapServers,
      embedded,
      scoreboard: () => scoreboard(config, store),
      setTransactionLimit: (limit) => feed.setLimit(limit),
      events,
      stop: () => (stopped ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function startEmbedded(dir: string, config: AssignmentConfig, port: number): Promise<ClusterHandle> {
  const { startCluster } = await import('../../simulator/index.ts');
  const users = config.sasl ? [config.sasl.ta, ...config.groups.flatMap((g) => (g.login ? [g.login] : []))].map((u) => ({ name: u.username, password: u.password })) : undefined;
  try {
    return await startCluster({
      brokers: 1,
      port,
      dataDir: statePath(dir, CLUSTER_DIR),
      groupInitialRebalanceDelayMs: 0,
      ...(users && { users, superUsers: [config.sasl!.ta.username] }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new AssignmentError(`port ${port} on 127.0.0.1 is already in use; choose another with --port, or --port 0 for a free one`);
    throw error;
  }
}

/** The store's verdicts are keyed by offsets of one cluster's submit topic: they must not meet another's. */
async function checkCluster(admin: Admin, store: AssignmentStore, config: AssignmentConfig, onNewCluster: 'refuse' | 'reset', log: (line: string) => void): Promise<void> {
  const { clusterId } = await admin.describeCluster();
  const known = store.meta(CLUSTER_KEY);
  if (known === undefined) {
    store.setMeta(CLUSTER_KEY, clusterId);
    return;
  }
  if (known === clusterId) return;
  if (onNewCluster === 'reset') {
    log(`cluster ${clusterId} is new: starting with no transactions and no verdicts`);
    store.clear();
    store.setMeta(CLUSTER_KEY, clusterId);
    return;
  }
  throw new AssignmentError(
    `the store's verdicts came from cluster ${known}, and this is cluster ${clusterId}: serve on the cluster the assignment ran on (its submissions are keyed by that cluster's offsets), or start a new assignment dir`,
  );
}

async function checkSubmitTopic(admin: Admin, store: AssignmentStore, config: AssignmentConfig): Promise<void> {
  const judged = store.lastJudgedOffsets(config.topics.submit);
  if (judged.size === 0) return;
  const ends = new Map((await admin.fetchTopicOffsets(config.topics.submit)).map((p) => [p.partition, Number(p.high)]));
  for (const [partition, last] of judged) {
    const end = ends.get(partition) ?? 0;
    if (last >= end) {
      throw new AssignmentError(
        `topic ${config.topics.submit} ends at offset ${end} in partition ${partition}, but the store judged offset ${last} there: the topic was deleted or truncated since, so new submissions would be taken for old ones; start a new assignment dir`,
      );
    }
  }
}

function startHeartbeat({ admin, store, config, groupId, bootstrap, problems }: { admin: Admin; store: AssignmentStore; config: AssignmentConfig; groupId: string; bootstrap: string; problems: () => string | undefined }): () => void {
  const startedAt = Date.now();
  let lag: number | null = null;
  let beats = 0;
  let measuring = false;
  const write = () => {
    const status: ServerStatus = { pid: process.pid, startedAt, heartbeatAt: Date.now(), bootstrap, lag, ...(problems() && { problem: problems() }) };
    try {
      store.setMeta(STATUS_KEY, JSON.stringify(status));
    } catch {
      // The store is busy or closing: the next beat writes.
    }
  };
  const measureLag = async () => {
    if (measuring) return;
    measuring = true;
    try {
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(config.topics.submit), admin.fetchOffsets({ groupId, topics: [config.topics.submit] })]);
      const positions = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      lag = ends.reduce((sum, p) => {
        const at = positions.get(p.partition) ?? -1;
        return sum + Math.max(0, Number(p.high) - (at < 0 ? Number(p.low) : at));
      }, 0);
    } catch {
      lag = null;
    } finally {
      measuring = false;
    }
  };
  write();
  void measureLag().then(write);
  const timer = setInterval(() => {
    if (++beats % LAG_EVERY === 0) void measureLag();
    write();
  }, HEARTBEAT_MS);
  return () => {
    clearInterval(timer);
    // Stopped: say so at once, rather than let the heartbeat go stale.
    try {
      store.setMeta(STATUS_KEY, JSON.stringify({ pid: process.pid, startedAt, heartbeatAt: 0, bootstrap, lag } satisfies ServerStatus));
    } catch {
      // Closing.
    }
  };
}
