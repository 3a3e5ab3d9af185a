// The differential conformance suite: every scenario, run against two providers and compared.

import type { BrokerOptions } from '../providers/index.ts';
import type { Scenario } from './scenario.ts';
import { cleaningScenarios } from './scenarios/cleaning.ts';
import { clientScenarios } from './scenarios/clients.ts';
import { configScenarios } from './scenarios/configs.ts';
import { faultScenarios } from './scenarios/faults.ts';
import { groupScenarios } from './scenarios/groups.ts';
import { offsetScenarios } from './scenarios/offsets.ts';
import { produceScenarios } from './scenarios/produce.ts';
import { securityScenarios } from './scenarios/security.ts';
import { topicScenarios } from './scenarios/topics.ts';
import { transactionScenarios } from './scenarios/transactions.ts';
import { userScenarios } from './scenarios/users.ts';
import { kafka4Scenarios } from './scenarios/kafka4.ts';
import { consumerProtocolScenarios } from './scenarios/consumer-protocol.ts';

/**
 * The broker settings both sides run with: one broker, Kafka's defaults, except that groups form
 * at once and retention and compaction look for work four times a second, not every few minutes.
 */
export const CONFORMANCE_BROKERS: BrokerOptions = {
  brokers: 1,
  autoCreateTopics: true,
  numPartitions: 1,
  groupInitialRebalanceDelayMs: 0,
  logRetentionCheckIntervalMs: 250,
  logCleanerBackoffMs: 250,
};

export const SCENARIOS: readonly Scenario[] = [
  ...produceScenarios,
  ...offsetScenarios,
  ...topicScenarios,
  ...configScenarios,
  ...groupScenarios,
  ...transactionScenarios,
  ...cleaningScenarios,
  ...clientScenarios,
  ...userScenarios,
  ...kafka4Scenarios,
  ...consumerProtocolScenarios,
];

/**
 * A smoke subset, the first scenario of each area, for providers too slow or too limited for the
 * whole suite: the testcontainers provider runs it in CI (grader/test/differential-testcontainers.test.ts).
 */
export const SMOKE_SCENARIOS: readonly Scenario[] = [produceScenarios, offsetScenarios, topicScenarios, configScenarios, groupScenarios, transactionScenarios, clientScenarios].map(
  (scenarios) => scenarios[0],
);

/** Scenarios for clusters where clients log in (CONFORMANCE_SASL_BROKERS). */
export const SASL_SCENARIOS: readonly Scenario[] = securityScenarios;
export { CONFORMANCE_SASL_BROKERS } from './scenarios/security.ts';

/** Scenarios that stop, kill and restart brokers of three-broker clusters (CONFORMANCE_FAULT_BROKERS). */
export const FAULT_SCENARIOS: readonly Scenario[] = faultScenarios;
export { CONFORMANCE_FAULT_BROKERS } from './scenarios/faults.ts';

export { DifferentialRunner, describeResult, summaryLine, type ScenarioResult, type RunnerOptions } from './runner.ts';
export type { Scenario, ScenarioContext } from './scenario.ts';
