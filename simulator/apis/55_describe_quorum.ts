// DescribeQuorum (55): the metadata quorum behind the controller — its leader, epoch, high
// watermark, voters and observers (kafka-metadata-quorum describe --status / --replication,
// kafka-python's describe_metadata_quorum). kafka-lab has no Raft quorum; what it reports, and
// why, is in simulator/cluster/quorum.ts and FIDELITY.md. Only __cluster_metadata's partition 0
// can be described; needs DESCRIBE on the cluster.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeQuorumRequest } from '../protocol/messages/DescribeQuorumRequest.ts';
import { DescribeQuorumResponse } from '../protocol/messages/DescribeQuorumResponse.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import { defineApi } from './api.ts';

const METADATA_TOPIC = '__cluster_metadata';
const NO_DIRECTORY = '0'.repeat(32);

export const describeQuorum = defineApi({
  request: DescribeQuorumRequest,
  response: DescribeQuorumResponse,
  versions: '0-2',
  handle(req, { quorum, authorize }) {
    const partitionError = (errorCode: number, errorMessage: string | null) => ({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: req.topics.map((t) => ({
        topicName: t.topicName,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage, leaderId: -1, leaderEpoch: -1, highWatermark: -1, currentVoters: [], observers: [] })),
      })),
      nodes: [],
    });
    if (!authorize('DESCRIBE', 'CLUSTER')) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: DENIED_MESSAGE.CLUSTER_AUTHORIZATION_FAILED, topics: [], nodes: [] };
    const [only] = req.topics;
    if (req.topics.length !== 1 || only.topicName !== METADATA_TOPIC || only.partitions.length !== 1 || only.partitions[0].partitionIndex !== 0) {
      return partitionError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    }
    const state = quorum.describe();
    const replica = (v: (typeof state.voters)[number]) => ({
      replicaId: v.brokerId,
      replicaDirectoryId: NO_DIRECTORY,
      logEndOffset: v.logEndOffset,
      lastFetchTimestamp: v.lastFetchTimestamp,
      lastCaughtUpTimestamp: v.lastCaughtUpTimestamp,
    });
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [
        {
          topicName: METADATA_TOPIC,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              leaderId: state.leaderId,
              leaderEpoch: state.leaderEpoch,
              highWatermark: state.highWatermark,
              currentVoters: state.voters.map(replica),
              observers: [],
            },
          ],
        },
      ],
      // kafka-lab's brokers have one listener each; there is no separate controller listener.
      nodes: state.nodes.map((n) => ({ nodeId: n.nodeId, listeners: [{ name: 'PLAINTEXT', host: n.host, port: n.port }] })),
    };
  },
  describe: (req) => req.topics.map((t) => `${t.topicName}[${t.partitions.map((p) => p.partitionIndex).join(',')}]`).join(' '),
});
