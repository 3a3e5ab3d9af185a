// DescribeCluster (60): the cluster id, the controller and the brokers, as admin clients ask for
// them (the Java admin client's describeCluster, kafka-cluster cluster-id). v2 may include fenced
// brokers, each marked. Endpoint type 2 (controllers, KIP-919) is for controller listeners: a
// broker refuses it, as Kafka's do.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeClusterRequest } from '../protocol/messages/DescribeClusterRequest.ts';
import { DescribeClusterResponse } from '../protocol/messages/DescribeClusterResponse.ts';
import { authorizedOperations, OPERATIONS_NOT_ASKED } from './acls.ts';
import { defineApi } from './api.ts';

const BROKERS = 1;

export const describeCluster = defineApi({
  request: DescribeClusterRequest,
  response: DescribeClusterResponse,
  versions: '0-2',
  handle(req, { cluster, authorize }) {
    const answer = {
      throttleTimeMs: 0,
      endpointType: req.endpointType,
      clusterId: cluster.id,
      controllerId: cluster.controllerId,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? authorizedOperations(authorize, 'CLUSTER') : OPERATIONS_NOT_ASKED,
    };
    if (req.endpointType !== BROKERS) {
      return { ...answer, errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER', brokers: [] };
    }
    const live = new Set(cluster.liveBrokers.map((b) => b.id));
    // A stopped or crashed broker stays registered, fenced, as in KRaft.
    const brokers = [...cluster.brokers.values()].filter((b) => live.has(b.id) || req.includeFencedBrokers);
    return {
      ...answer,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      brokers: brokers.map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: null, isFenced: !live.has(b.id) })),
    };
  },
});
