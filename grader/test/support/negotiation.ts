// Version negotiation, one proof for every client: what a client used against kafka-lab, seen
// broker-side in the request-handled events, set beside what the same client used against
// Apache Kafka 4.3.1, seen in the client's own debug log. A client picks, for each API, the highest
// version both ends serve; Kafka advertises its maxima, so the same pick on both sides, with the
// same ranges advertised, means the client used the highest version kafka-lab serves unless the
// client's own maximum is lower (then Kafka gets that lower version too).

import { expect } from 'vitest';
import { API_BY_KEY } from '../../../simulator/apis/index.ts';
import type { ClusterEvent } from '../../../simulator/index.ts';
import { rawRequest } from '../../conformance/raw.ts';

/** API key -> the highest version used (or advertised). */
export type Versions = Map<number, number>;

export interface Advertised {
  /** API key -> [min, max] from an ApiVersions answer. */
  ranges: Map<number, [number, number]>;
}

/** What a broker advertises, asked over a socket as a client would. */
export async function advertisedVersions(address: string): Promise<Advertised> {
  const answer = (await rawRequest(address, 18, 3, { clientSoftwareName: 'kafka-lab-negotiation', clientSoftwareVersion: '1' })) as {
    errorCode: number;
    apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
  };
  if (answer.errorCode !== 0) throw new Error(`ApiVersions from ${address} answered error ${answer.errorCode}`);
  return { ranges: new Map(answer.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]])) };
}

const highest = (pairs: Iterable<[number, number]>): Versions => {
  const versions = new Map<number, number>();
  for (const [key, version] of pairs) versions.set(key, Math.max(versions.get(key) ?? -1, version));
  return versions;
};

/** Broker-side: the highest version of each API that requests with one of these client ids used. */
export function usedVersionsRecorder(events: { subscribe(listener: (e: ClusterEvent) => void): () => void }) {
  const used = new Map<string, Versions>();
  const stop = events.subscribe((e) => {
    if (e.type !== 'request-handled' || e.clientId === null) return;
    const versions = used.get(e.clientId) ?? new Map<number, number>();
    versions.set(e.apiKey, Math.max(versions.get(e.apiKey) ?? -1, e.version));
    used.set(e.clientId, versions);
  });
  /** The versions requests used whose client id is this one (or passes this test). */
  const of = (clientId: string | ((id: string) => boolean)): Versions => {
    const chosen = typeof clientId === 'string' ? (id: string) => id === clientId : clientId;
    return highest([...used].filter(([id]) => chosen(id)).flatMap(([, versions]) => [...versions]));
  };
  return { of, stop };
}

/**
 * Client-side, librdkafka's `-d protocol,feature` log: "Sent ProduceRequest (v7, ...)", with names mapped to
 * keys by the same log's "ApiKey Produce (0) Versions 3..13" table of what the broker advertised.
 */
export function librdkafkaVersions(log: string): Versions {
  // ApiVersion is sent before the table is known.
  const keys = new Map<string, number>([['ApiVersion', 18]]);
  for (const [, name, key] of log.matchAll(/ApiKey (\S+) \((\d+)\) Versions/g)) keys.set(name.replace(/Request$/, ''), Number(key));
  const sent = [...log.matchAll(/Sent (\w+?)Request \(v(\d+),/g)].map(([, name, version]): [number, number] => {
    const key = keys.get(name);
    if (key === undefined) throw new Error(`librdkafka sent ${name}, an API its log never listed`);
    return [key, Number(version)];
  });
  return highest(sent);
}

/** Client-side, JSON lines of {"apiKey": 0, "version": 9} (negotiation_workload.py prints kafka-python's). */
export function jsonVersions(lines: string): Versions {
  const pairs = lines
    .split('\n')
    .filter((l) => l.startsWith('{"apiKey"'))
    .map((l): [number, number] => {
      const { apiKey, version } = JSON.parse(l) as { apiKey: number; version: number };
      return [apiKey, version];
    });
  return highest(pairs);
}

const table = (used: Versions, advertised: Advertised) =>
  Object.fromEntries(
    [...used.keys()].sort((a, b) => a - b).map((key) => {
      const [min, max] = advertised.ranges.get(key) ?? [NaN, NaN];
      return [API_BY_KEY.get(key)?.name ?? `api ${key}`, `v${used.get(key)} of ${min}-${max}`];
    }),
  );

/**
 * The client used, against kafka-lab, the very versions it used against Kafka, and kafka-lab
 * advertised the same ranges for them: every API at the highest version both the client and the
 * broker serve.
 */
export function expectSameNegotiation(client: string, lab: Versions, kafkaLab: Advertised, onKafka: Versions, kafka: Advertised): void {
  expect(lab.size, `${client} made no requests to kafka-lab`).toBeGreaterThan(0);
  for (const [key, version] of lab) expect(version, `${client}: ${API_BY_KEY.get(key)?.name ?? key} above what kafka-lab advertised`).toBeLessThanOrEqual(kafkaLab.ranges.get(key)?.[1] ?? -1);
  expect(table(lab, kafkaLab), `${client}: versions used on kafka-lab (left) and on Kafka (right)`).toEqual(table(onKafka, kafka));
}

/** The client's maximum is the broker's (Kafka's own Java client of the release kafka-lab serves): each API at the maximum advertised. */
export function expectHighestAdvertised(client: string, used: Versions, kafkaLab: Advertised): void {
  expect(used.size, `${client} made no requests to kafka-lab`).toBeGreaterThan(0);
  const atMax = new Map([...used.keys()].map((key) => [key, kafkaLab.ranges.get(key)?.[1] ?? -1]));
  expect(table(used, kafkaLab), `${client}: versions used on kafka-lab (left), the maxima it advertised (right)`).toEqual(table(atMax, kafkaLab));
}
