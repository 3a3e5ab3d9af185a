// What one Kafka API module declares: its key, the versions it serves, the schemas of its request
// and response (one description for all versions), and the handler that acts on the cluster.
// A handler sees the cluster through its RequestContext: the request's broker, connection and
// session, and the parts of the cluster handlers act on (RequestServices) — never the whole
// Cluster, so what an API can touch is written in its signature.

import type { Broker } from '../cluster/broker.ts';
import type { LeaderElections } from '../cluster/controller.ts';
import type { LogDirs } from '../cluster/log-dirs.ts';
import type { MetadataQuorum } from '../cluster/quorum.ts';
import type { PartitionReassignments } from '../cluster/reassignments.ts';
import type { ResolvedOptions } from '../cluster/options.ts';
import type { PartitionRecords } from '../cluster/partition-records.ts';
import type { Topics } from '../cluster/topics.ts';
import type { GroupCoordinator } from '../groups/coordinator.ts';
import type { EventStream } from '../introspection/events.ts';
import type { Connection } from '../net/listener.ts';
import type { RequestHeader } from '../protocol/headers.ts';
import type { Security } from '../security/security.ts';
import type { AuthSession } from '../security/session.ts';
import type { TransactionCoordinator } from '../txn/coordinator.ts';
import { versions, type Decoded, type Encodable, type MessageType, type Spec, type StructType, type VersionRange } from '../protocol/schema.ts';

/** Returned by a handler when Kafka sends no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

/** The cluster as a whole, as brokers describe it to clients: its id, options, brokers and controller. */
export interface ClusterView {
  readonly id: string;
  readonly options: Readonly<ResolvedOptions>;
  readonly brokers: ReadonlyMap<number, Broker>;
  /** Brokers that serve and are not fenced: what Metadata lists. */
  readonly liveBrokers: readonly Broker[];
  readonly controllerId: number;
}

/** What handlers act on besides their request; the cluster builds it once (Cluster.services). */
export interface RequestServices {
  readonly cluster: ClusterView;
  /** Topics and partitions, and the controller's operations on them. */
  readonly topics: Topics;
  /** Leader elections clients ask for (ElectLeaders). */
  readonly elections: LeaderElections;
  /** Each broker's log directory and the replicas in it (DescribeLogDirs). */
  readonly logDirs: LogDirs;
  /** The controller as a metadata quorum (DescribeQuorum). */
  readonly quorum: MetadataQuorum;
  /** Moving partitions to other brokers (AlterPartitionReassignments). */
  readonly reassignments: PartitionReassignments;
  /** Appending, reading and deleting records in partitions. */
  readonly records: PartitionRecords;
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  /** SASL users, ACLs and the authorizer. */
  readonly security: Security;
  readonly events: EventStream;
}

export interface RequestContext extends RequestServices {
  /** The broker the request came to. */
  readonly broker: Broker;
  readonly connection: Connection;
  readonly header: RequestHeader;
  readonly version: number;
  /** The connection's authentication: its principal ("User:alice"; User:ANONYMOUS without SASL) and SASL state. */
  readonly session: AuthSession;
  /** May this client perform the operation on the resource (the cluster when no name is given)? Always, without an authorizer. */
  readonly authorize: AuthSession['authorize'];
  /** May this client perform the operation on at least one resource of the type? (Kafka's authorizeByResourceType.) */
  readonly authorizeAny: AuthSession['authorizeAny'];
}

export type Result<Res> = Res | typeof NO_RESPONSE;

/** What a request names, for fault rules that match on topic, partition, group or transactional id. */
export interface RequestNames {
  /** Named topics; `partitions` is absent where the request names whole topics (Metadata, CreateTopics). */
  topics?: { topic: string; partitions?: number[] }[];
  group?: string | null;
  transactionalId?: string | null;
}

/** Whether to keep a named topic (partition undefined) or partition in a narrowed request. */
export type KeepNamed = (topic: string, partition?: number) => boolean;

export interface Api<Req = any, Res = any> {
  readonly key: number;
  readonly name: string;
  /** The versions this broker serves (within the versions Kafka's message specs define). */
  readonly versions: VersionRange;
  /** Versions that use compact encodings, tagged fields and header v2 / v1. */
  readonly flexible: VersionRange;
  readonly request: StructType<any>;
  readonly response: StructType<any>;
  handle(request: Req, context: RequestContext): Result<Res> | Promise<Result<Res>>;
  /** A short readable account of the request for `--trace`: topics, partitions, ids. */
  describe?(request: Req): string;
  /** What the request names, so fault rules can match on it (simulator/faults/rules.ts). */
  names?(request: Req): RequestNames;
  /** The request with only the topics or partitions `keep` accepts: a fault rule fails the others. */
  narrow?(request: Req, keep: KeepNamed): Req;
  /** This API's answer failing the whole request with `errorCode`, made without running the handler (injected faults). */
  errorResponse?(request: Req, errorCode: number, context: RequestContext): Result<Res>;
}

/**
 * An API module: the request and response messages (generated from Kafka's JSON specs, which give
 * the key, the name and the flexible versions), the versions served, and the handler.
 */
export function defineApi<Q extends Spec, S extends Spec>(definition: {
  request: MessageType<Q>;
  response: MessageType<S>;
  /** The versions served, e.g. "3-11": within the versions both messages define. */
  versions: string;
  handle(request: Decoded<Q>, context: RequestContext): Result<Encodable<S>> | Promise<Result<Encodable<S>>>;
  describe?(request: Decoded<Q>): string;
  names?(request: Decoded<Q>): RequestNames;
  narrow?(request: Decoded<Q>, keep: KeepNamed): Decoded<Q>;
  errorResponse?(request: Decoded<Q>, errorCode: number, context: RequestContext): Result<Encodable<S>>;
}): Api<Decoded<Q>, Encodable<S>> {
  const { request, response } = definition;
  const name = request.name.replace(/Request$/, '');
  const served = versions(definition.versions);
  if (response.apiKey !== request.apiKey) throw new Error(`${name}: ${response.name} is not the response of ${request.name}`);
  for (const message of [request, response]) {
    if (served.min < message.validVersions.min || served.max > message.validVersions.max) {
      throw new Error(`${name} serves v${definition.versions}, but ${message.name} defines v${message.validVersions.min}-${message.validVersions.max} only`);
    }
  }
  return { ...definition, key: request.apiKey, name, versions: served, flexible: request.flexibleVersions };
}
