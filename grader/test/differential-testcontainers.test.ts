// The differential suite's smoke subset with Kafka in a container: the same scenarios through the
// same real clients against kafka-lab and against the testcontainers provider (kafka-lab's local
// Apache Kafka image under podman in CI, or cp-kafka where Docker reaches a registry).

import { afterAll, beforeAll, it } from 'vitest';
import { findKafkaPython, findKcat } from '../../simulator/testkit/external-clients.ts';
import { CONFORMANCE_BROKERS, DifferentialRunner, describeResult, SMOKE_SCENARIOS, summaryLine, type ScenarioResult } from '../conformance/index.ts';
import { embedded, testcontainers, type RunningBrokers } from '../providers/index.ts';
import { describeWithContainers } from './support/container-runtime.ts';

const clientCommands = Object.fromEntries([findKafkaPython(), findKcat()].filter((c) => c.command).map((c) => [c.name, c.command]));

describeWithContainers('differential smoke subset: kafka-lab beside Kafka in a container (testcontainers)', () => {
  const running: RunningBrokers[] = [];
  const results: ScenarioResult[] = [];
  let runner: DifferentialRunner;

  beforeAll(async () => {
    const started = await Promise.allSettled([embedded.start(CONFORMANCE_BROKERS), testcontainers.start(CONFORMANCE_BROKERS)]);
    for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    runner = new DifferentialRunner(running[0], running[1], { clients: clientCommands, timeoutMs: 90_000 });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    if (results.length > 0) console.log(summaryLine(results));
  }, 120_000);

  for (const scenario of SMOKE_SCENARIOS) {
    it(scenario.name, { timeout: 200_000 }, async () => {
      const result = await runner.run(scenario);
      results.push(result);
      if (result.status === 'skipped') throw new Error(`skipped: ${result.reason}`);
      if (result.status === 'failed') throw new Error(`kafka-lab and Kafka in a container differ:\n${describeResult(result, 'embedded', 'testcontainers')}`);
    });
  }
});
