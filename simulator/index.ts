// kafka-lab/simulator: start an embedded Kafka-compatible cluster and look inside it.
//
//   const cluster = await startCluster({ brokers: 3 });
//   new Kafka({ brokers: cluster.bootstrapServers });
//   cluster.describe().topics;            // partitions, leaders, ISR, offsets
//   cluster.events.on('records-appended', (e) => ...);
//   cluster.cleanLogs({ topic: 'orders' }); // retention and compaction now, not in 5 minutes
//   cluster.addFaultRule({ match: { api: 'Produce' }, action: { error: 'NOT_LEADER_OR_FOLLOWER' }, times: 2 });
//   await runScenario(cluster, parseScenario(text));   // timed kills, splits, heals, rules
//   await cluster.stop();

import { Cluster } from './cluster/cluster.ts';
import type { ClusterOptions } from './cluster/options.ts';
import type { FaultControls } from './faults/index.ts';

export type { ClusterOptions, NewTopic } from './cluster/options.ts';
export type { ReadPartitionOptions } from './cluster/partition-records.ts';
export type { NetworkNode } from './faults/network.ts';
export type { LatencyOptions, ThrottleOptions } from './faults/index.ts';
export type { ApiSelector, FaultAction, FaultMatch, FaultRuleInput } from './faults/rules.ts';
export { FaultRuleError } from './faults/rules.ts';
export { checkScenario, parseScenario, planScenario, rolesIn, runScenario, scenarioFrom, scenarioSchema, ScenarioError } from './faults/scenario/index.ts';
export type { BrokerTarget, PlannedStep, RoleResolver, ScenarioJson, RunOptions, Scenario, ScenarioAction, ScenarioRun, ScenarioStep, TimelineEntry } from './faults/scenario/index.ts';
export type { SecurityOptions } from './security/security.ts';
export type { SaslUser, SaslMechanism, ScramCredentialInput, ScramMechanism } from './security/users.ts';
export type { AclBinding, AclBindingInput, AclFilter, AclOperation, AclResourceType } from './security/acl.ts';
export type { CleanLogsOptions, PartitionCleaning } from './log/cleaner.ts';
export type { ClusterEvent, ClusterEventType, TimedEvent } from './introspection/events.ts';
export type * from './introspection/snapshot.ts';
export { TOPIC_CONFIGS } from './cluster/configs.ts';
export { readRecords, type LogRecord } from './protocol/records.ts';

/** The handle a running cluster is controlled and observed through: the faults (simulator/faults) and these. */
export type ClusterHandle = FaultControls &
  Pick<Cluster, 'id' | 'bootstrapServers' | 'events' | 'describe' | 'stop' | 'controllerId' | 'createTopic' | 'readPartition' | 'cleanLogs' | 'createAcls' | 'describeAcls' | 'deleteAcls'>;

export async function startCluster(options: ClusterOptions = {}): Promise<ClusterHandle> {
  const cluster = new Cluster(options);
  await cluster.start();
  return cluster;
}

export { Cluster };
