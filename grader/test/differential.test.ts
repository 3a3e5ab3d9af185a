// The differential conformance suite under `npm test`: every scenario runs through real clients
// against kafka-lab and against real Apache Kafka (one pair of clusters per group of scenarios,
// started once), and both must observe the same. Without Java the file is skipped with a notice;
// REQUIRE_REAL_KAFKA=1 (CI) makes that a failure. The summary line "N passed, M failed" is printed
// at the end of each group.

import { afterAll, beforeAll, it } from 'vitest';
import { findKafkaPython, findKcat } from '../../simulator/testkit/external-clients.ts';
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
} from '../conformance/index.ts';
import { embedded, realJvm, type BrokerOptions, type RunningBrokers } from '../providers/index.ts';
import { describeWithRealKafka } from './support/real-kafka.ts';

const inCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
const clients = [findKafkaPython(), findKcat()];
const clientCommands = Object.fromEntries(clients.filter((c) => c.command).map((c) => [c.name, c.command]));

function differentialSuite(title: string, brokers: BrokerOptions, scenarios: readonly Scenario[]): void {
  describeWithRealKafka(title, () => {
    const running: RunningBrokers[] = [];
    const results: ScenarioResult[] = [];
    let runner: DifferentialRunner;

    beforeAll(async () => {
      const started = await Promise.allSettled([embedded.start(brokers), realJvm.start(brokers)]);
      for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      runner = new DifferentialRunner(running[0], running[1], { clients: clientCommands, timeoutMs: 90_000 });
    }, 300_000);

    afterAll(async () => {
      await Promise.all(running.map((r) => r.stop()));
      if (results.length === 0) return;
      // Failures, and passes with differences kept on purpose, then the summary line.
      const notable = results.filter((r) => r.status === 'failed' || r.kept.length > 0).map((r) => describeResult(r, 'embedded', 'real-jvm'));
      console.log([...notable, summaryLine(results)].join('\n'));
    }, 120_000);

    for (const scenario of scenarios) {
      it(scenario.name, { timeout: 200_000 }, async (context) => {
        const result = await runner.run(scenario);
        results.push(result);
        if (result.status === 'skipped') {
          const missingClients = clients.filter((c) => scenario.clients?.some((name) => name === c.name) && !c.command).map((c) => c.detail);
          const missing = missingClients.length ? missingClients : [result.reason ?? 'skipped'];
          if (inCI) throw new Error(`CI=true but ${missing.join('; ')}`);
          console.warn(`[kafka-lab] skipping "${scenario.name}": ${missing.join('; ')}`);
          context.skip(result.reason);
        }
        if (result.status === 'failed') throw new Error(`kafka-lab and Apache Kafka differ:\n${describeResult(result, 'embedded', 'real-jvm')}`);
      });
    }
  });
}

differentialSuite('differential conformance: kafka-lab beside Apache Kafka', CONFORMANCE_BROKERS, SCENARIOS);
differentialSuite('differential conformance with SASL and ACLs: kafka-lab beside Apache Kafka', CONFORMANCE_SASL_BROKERS, SASL_SCENARIOS);
differentialSuite('differential conformance of broker failures: three kafka-lab brokers beside three Apache Kafka nodes', CONFORMANCE_FAULT_BROKERS, FAULT_SCENARIOS);
