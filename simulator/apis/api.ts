// What one Kafka API module declares: its key, the versions it serves, the schemas of its request
// and response (one description for all versions), and the handler that acts on the cluster.

import type { Broker } from '../cluster/broker.ts';
import type { Cluster } from '../cluster/cluster.ts';
import type { Connection } from '../net/listener.ts';
import type { RequestHeader } from '../protocol/headers.ts';
import type { AuthSession } from '../security/session.ts';
import { versions, type Decoded, type Encodable, type Spec, type StructType, type VersionRange } from '../protocol/schema.ts';

/** Returned by a handler when Kafka sends no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

export interface RequestContext {
  readonly cluster: Cluster;
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

export function defineApi<Q extends Spec, S extends Spec>(definition: {
  key: number;
  name: string;
  versions: string;
  flexible?: string;
  request: StructType<Q>;
  response: StructType<S>;
  handle(request: Decoded<Q>, context: RequestContext): Result<Encodable<S>> | Promise<Result<Encodable<S>>>;
  describe?(request: Decoded<Q>): string;
  names?(request: Decoded<Q>): RequestNames;
  narrow?(request: Decoded<Q>, keep: KeepNamed): Decoded<Q>;
  errorResponse?(request: Decoded<Q>, errorCode: number, context: RequestContext): Result<Encodable<S>>;
}): Api<Decoded<Q>, Encodable<S>> {
  return {
    ...definition,
    versions: versions(definition.versions),
    flexible: definition.flexible ? versions(definition.flexible) : { min: Infinity, max: Infinity },
  };
}
