// `npm run conformance -- [--grep text] [--against real-jvm|testcontainers|external]`: runs every
// scenario against the simulator and real Kafka, prints each mismatch as a diff, and ends with
// the summary line "N passed, M failed". Exits 1 when any scenario failed.

import { Command } from 'commander';
import { findKafkaPython, findKcat } from '../../simulator/testkit/external-clients.ts';
import { embedded, providerNamed, type BrokerOptions } from '../providers/index.ts';
import {
  CONFORMANCE_BROKERS,
  CONFORMANCE_FAULT_BROKERS,
  CONFORMANCE_SASL_BROKERS,
  DifferentialRunner,
  describeResult,
  FAULT_SCENARIOS,
  SASL_SCENARIOS,
  SCENARIOS,
  summaryLine,
  type Scenario,
  type ScenarioResult,
} from './index.ts';

const program = new Command('conformance')
  .description('Run the differential conformance suite: kafka-lab beside real Apache Kafka, through real clients.')
  .option('-g, --grep <text>', 'only scenarios whose name contains this text')
  .option('-a, --against <provider>', 'the provider to compare the simulator with', 'real-jvm')
  .option('--json', 'print every result as JSON lines instead of the readable report')
  .parse(process.argv);
const options = program.opts<{ grep?: string; against: string; json?: boolean }>();

const say = (line: string) => process.stderr.write(`${line}\n`);
const wanted = (s: Scenario) => !options.grep || s.name.includes(options.grep);
const reference = providerNamed(options.against);
const startedAt = performance.now();
const python = findKafkaPython();
const kcat = findKcat();
const results: ScenarioResult[] = [];

/** Starts the simulator and the reference with the same settings, runs the scenarios, stops both. */
async function runSuite(scenarios: Scenario[], brokers: BrokerOptions, label: string): Promise<void> {
  if (scenarios.length === 0) return;
  say(`starting embedded and ${reference.name} (${reference.description})${label}`);
  const started = await Promise.allSettled([embedded.start(brokers), reference.start(brokers)]);
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = () => Promise.all(running.map((r) => r.stop()));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  const [left, right] = running;
  const onSignal = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  const runner = new DifferentialRunner(left, right, { clients: { 'kafka-python': python.command, kcat: kcat.command }, timeoutMs: 90_000 });
  try {
    for (const scenario of scenarios) {
      const result = await runner.run(scenario);
      results.push(result);
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${describeResult(result, left.provider, right.provider)}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    await stop();
  }
}

await runSuite(SCENARIOS.filter(wanted), CONFORMANCE_BROKERS, '');
await runSuite(SASL_SCENARIOS.filter(wanted), CONFORMANCE_SASL_BROKERS, ', with SASL and ACLs');
// A container holds one broker; a cluster someone else runs cannot be stopped (its scenarios skip).
if (reference.name === 'testcontainers') say('skipping the broker-failure scenarios: testcontainers runs one broker');
else await runSuite(FAULT_SCENARIOS.filter(wanted), CONFORMANCE_FAULT_BROKERS, ', three brokers each, for broker failures');
process.stdout.write(`${summaryLine(results)}\n`);
say(`took ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
process.exit(results.some((r) => r.status === 'failed') ? 1 : 0);
