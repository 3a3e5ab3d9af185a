// Runs scenarios against two running clusters (the simulator and real Kafka, usually) at the same
// time, normalises what each saw, and compares. A scenario passes when both saw the same.

import { randomBytes } from 'node:crypto';
import type { Admin, KafkaConfig } from 'kafkajs';
import type { RunningBrokers } from '../providers/index.ts';
import { describeDifferences, differences, type Difference } from './diff.ts';
import { errorShape, normalise, type Renames } from './normalise.ts';
import type { ExternalClientName, Scenario, ScenarioContext } from './scenario.ts';

export interface ScenarioResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or that it could not run. */
  reason?: string;
  differences: Difference[];
  /** Differences the scenario declares kept on purpose (FIDELITY.md), with the row's scenario. */
  kept: (Difference & { fidelity: string })[];
  /** The normalised result per provider. */
  results: Record<string, unknown>;
  durationMs: number;
  /** How long the scenario took on each provider (they run at the same time). */
  durations: Record<string, number>;
}

export interface RunnerOptions {
  /** Commands of the external clients found here; a scenario needing a missing one is skipped. */
  clients?: Partial<Record<ExternalClientName, string>>;
  /** Per scenario and provider (default 60 s). */
  timeoutMs?: number;
}

export class DifferentialRunner {
  private readonly token = randomBytes(3).toString('hex');
  private count = 0;

  constructor(
    readonly left: RunningBrokers,
    readonly right: RunningBrokers,
    private readonly options: RunnerOptions = {},
  ) {}

  async run(scenario: Scenario): Promise<ScenarioResult> {
    const started = performance.now();
    const missing: string[] = (scenario.clients ?? []).filter((c) => !this.options.clients?.[c]);
    if (scenario.brokerFaults && !(this.left.faults && this.right.faults)) missing.push('providers that can stop brokers');
    if (missing.length) {
      return { name: scenario.name, status: 'skipped', reason: `needs ${missing.join(' and ')}`, differences: [], kept: [], results: {}, durationMs: 0, durations: {} };
    }
    const suffix = `${++this.count}-${this.token}`;
    const timed = async (running: RunningBrokers) => {
      const t0 = performance.now();
      const result = await this.runOn(running, scenario, suffix);
      return { result, ms: performance.now() - t0 };
    };
    const [{ result: left, ms: leftMs }, { result: right, ms: rightMs }] = await Promise.all([timed(this.left), timed(this.right)]);
    const known = (scenario.knownDifferences ?? []).map((k) => ({ ...k, pattern: pathPattern(k.path) }));
    const kept: ScenarioResult['kept'] = [];
    const diffs = differences(left, right).filter((d) => {
      const row = known.find((k) => k.pattern.test(d.path));
      if (row) kept.push({ ...d, fidelity: row.fidelity });
      return !row;
    });
    // An error the scenario did not catch means it observed nothing; two equal ones are no pass.
    const broken = [left, right].some((r) => r !== null && typeof r === 'object' && 'unexpectedError' in r);
    return {
      name: scenario.name,
      status: diffs.length === 0 && !broken ? 'passed' : 'failed',
      ...(broken && { reason: 'the scenario threw on at least one cluster' }),
      differences: diffs,
      kept,
      results: { [this.left.provider]: left, [this.right.provider]: right },
      durationMs: performance.now() - started,
      durations: { [this.left.provider]: leftMs, [this.right.provider]: rightMs },
    };
  }

  private async runOn(running: RunningBrokers, scenario: Scenario, suffix: string): Promise<unknown> {
    const renames: Renames = { names: new Map(), addresses: new Map(running.bootstrapServers.map((a, i) => [a, `broker-${i + 1}`])) };
    const cleanups: (() => Promise<void>)[] = [];
    const unique = (label: string) => {
      const actual = `${label}-${suffix}`;
      renames.names.set(actual, label);
      return actual;
    };
    const kafka = (config: Partial<KafkaConfig> = {}) => running.kafka({ retry: { initialRetryTime: 100, retries: 5 }, ...config });
    const track: ScenarioContext['track'] = (client) => {
      cleanups.push(() => client.disconnect());
      return client;
    };
    let admin: Promise<Admin> | undefined;
    const down = new Set<number>();
    const faults = (id: number) => {
      if (!running.faults) throw new Error(`${running.provider} cannot stop or start brokers`);
      if (!Number.isInteger(id) || id < 1 || id > running.bootstrapServers.length) throw new Error(`no broker ${id}: brokers are 1 to ${running.bootstrapServers.length}`);
      return running.faults;
    };
    const ctx: ScenarioContext = {
      provider: running.provider,
      bootstrapServers: running.bootstrapServers,
      kafka,
      admin: () =>
        (admin ??= (async () => {
          const client = track(kafka().admin());
          await client.connect();
          return client;
        })()),
      topic: unique,
      group: unique,
      name: unique,
      async createTopic(label, spec = {}) {
        const topic = unique(label);
        const configEntries = Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value }));
        const admin = await ctx.admin();
        await admin.createTopics({
          topics: [{ topic, numPartitions: spec.partitions ?? 1, replicationFactor: spec.replicationFactor ?? 1, configEntries }],
          waitForLeaders: true,
        });
        // A KRaft broker learns of a new topic from the controller a moment after CreateTopics answers.
        await pollUntil(async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length === (spec.partitions ?? 1));
        return topic;
      },
      track,
      client: (name) => {
        const command = this.options.clients?.[name];
        if (!command) throw new Error(`${name} is not available`);
        return command;
      },
      async stopBroker(id) {
        const brokers = faults(id);
        down.add(id);
        await brokers.stopBroker(id);
      },
      async killBroker(id) {
        const brokers = faults(id);
        down.add(id);
        await brokers.killBroker(id);
      },
      async restartBroker(id) {
        await faults(id).restartBroker(id);
        down.delete(id);
      },
    };

    const timeoutMs = this.options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let result: unknown;
    try {
      result = await Promise.race([
        scenario.run(ctx),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`scenario did not finish within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      // An error the scenario did not expect is a result too: the other cluster may not throw it.
      result = { unexpectedError: errorShape(error) };
    } finally {
      clearTimeout(timer);
      for (const cleanup of cleanups.reverse()) await withDeadline(cleanup(), 10_000).catch(() => {});
      // The next scenario gets the whole cluster back; a broker that cannot start fails the run loudly.
      for (const id of down) await faults(id).restartBroker(id);
    }
    return normalise(result, renames);
  }
}

/** "$.retry[*].time" as a regular expression over difference paths: `*` is one index or key. */
function pathPattern(path: string): RegExp {
  const literal = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${path.split('*').map(literal).join('[^.[\\]]+')}$`);
}

/** Polls `check` (errors count as not yet) until it holds, for at most 15 s. */
async function pollUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check().catch(() => false)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

const withDeadline = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('deadline')), ms).unref())]);

/** The report of one scenario: a line, and for a mismatch the differing paths with both values. */
export function describeResult(result: ScenarioResult, leftName: string, rightName: string): string {
  const each = Object.entries(result.durations).map(([provider, ms]) => `${provider} ${(ms / 1000).toFixed(1)}`).join(', ');
  const took = `(${(result.durationMs / 1000).toFixed(1)} s: ${each})`;
  const kept = result.kept.map((d) => `    kept on purpose (FIDELITY.md: ${d.fidelity}): ${d.path}`).join('\n');
  if (result.status === 'passed') return [`  ✓ ${result.name} ${took}`, kept].filter(Boolean).join('\n');
  if (result.status === 'skipped') return `  - ${result.name} (skipped: ${result.reason})`;
  const diffs = result.differences.length ? describeDifferences(result.differences, leftName, rightName) : '';
  const thrown = result.reason
    ? Object.entries(result.results)
        .map(([provider, r]) => `    ${provider}: ${JSON.stringify((r as { unexpectedError?: unknown }).unexpectedError ?? 'no error')}`)
        .join('\n')
    : '';
  return [`  ✗ ${result.name} ${took}${result.reason ? ` (${result.reason})` : ''}`, diffs, thrown].filter(Boolean).join('\n');
}

/** The summary line, alone on its line: "N passed, M failed". */
export function summaryLine(results: ScenarioResult[]): string {
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  return `${passed} passed, ${failed} failed`;
}
