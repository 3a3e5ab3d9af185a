// Replica placement as Kafka spreads it without racks (AdminUtils.assignReplicasToBrokersRackUnaware):
// leaders round-robin from a random broker; followers follow at a shift that grows every full round,
// so leadership and replicas are balanced across brokers.

import type { Random } from './random.ts';

export function assignReplicas(brokerIds: number[], partitions: number, replicationFactor: number, random: Random, firstPartition = 0): number[][] {
  const brokers = [...brokerIds].sort((a, b) => a - b);
  const n = brokers.length;
  const start = random.int(n);
  let shift = random.int(n);
  const assignment: number[][] = [];
  for (let p = firstPartition; p < firstPartition + partitions; p++) {
    if (p > 0 && p % n === 0) shift++;
    const first = (p + start) % n;
    const replicas = [brokers[first]];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokers[(first + 1 + ((shift + j) % (n - 1))) % n]);
    }
    assignment.push(replicas);
  }
  return assignment;
}
