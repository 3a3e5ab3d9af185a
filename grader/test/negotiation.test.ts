// Version negotiation through real sockets: kcat (Debian's librdkafka), kafka-python and
// confluent-kafka (the librdkafka its wheel bundles) each run the same produce-and-consume-in-a-group
// work against kafka-lab and against Apache Kafka 4.3.1. kafka-lab's request-handled events show
// what each used; the client's own log shows what it used on Kafka. Same versions, same ranges
// advertised: each API at the highest version the client and kafka-lab both serve. (The Java
// client, Kafka's own, is proven at kafka-lab's maxima in java-client.test.ts.)

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../../simulator/index.ts';
import { CLIENT_SCRIPTS, findKcat, findPython, run } from '../../simulator/testkit/external-clients.ts';
import { describeWithClient } from '../../simulator/test/support/external-clients.ts';
import { startRealKafka, type RealKafkaCluster } from '../real-kafka/index.ts';
import { describeWithRealKafka } from './support/real-kafka.ts';
import { advertisedVersions, expectSameNegotiation, jsonVersions, librdkafkaVersions, usedVersionsRecorder, type Advertised, type Versions } from './support/negotiation.ts';

interface Side {
  name: 'kafka-lab' | 'kafka';
  bootstrap: string;
  advertised: Advertised;
}

describeWithRealKafka('version negotiation: each client at the highest version both ends serve, as on Kafka', () => {
  let cluster: ClusterHandle;
  let kafka: RealKafkaCluster;
  let recorder: ReturnType<typeof usedVersionsRecorder>;
  const sides: Side[] = [];

  beforeAll(async () => {
    [cluster, kafka] = await Promise.all([startCluster({ brokers: 1, groupInitialRebalanceDelayMs: 0 }), startRealKafka({ nodes: 1, brokerConfig: { 'group.initial.rebalance.delay.ms': '0' } })]);
    recorder = usedVersionsRecorder(cluster.events);
    for (const [name, bootstrap] of [['kafka-lab', cluster.bootstrapServers[0]], ['kafka', kafka.bootstrapServers[0]]] as const) {
      sides.push({ name, bootstrap, advertised: await advertisedVersions(bootstrap) });
    }
  }, 300_000);
  afterAll(async () => {
    recorder?.stop();
    await Promise.all([cluster?.stop(), kafka?.stop()]);
  });

  const createTopic = async (bootstrap: string, topic: string) => {
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  };

  /** Runs `work` on both sides; kafka-lab's versions from its events, Kafka's from what `work` read in the client's log. */
  const onBothSides = async (client: string, work: (side: Side, topic: string, clientId: string) => Promise<Versions>) => {
    const used = new Map<string, Versions>();
    for (const side of sides) {
      const clientId = `negotiation-${client}-${side.name}`;
      const topic = `negotiation-${client}`;
      await createTopic(side.bootstrap, topic);
      const fromClientLog = await work(side, topic, clientId);
      if (side.name === 'kafka-lab') {
        // What the client says it sent is what the broker handled: the two observations agree.
        expect(Object.fromEntries(fromClientLog), `${client}: its own log (left) and kafka-lab's events (right)`).toEqual(Object.fromEntries(recorder.of(clientId)));
      }
      used.set(side.name, side.name === 'kafka-lab' ? recorder.of(clientId) : fromClientLog);
    }
    const [lab, real] = sides;
    expectSameNegotiation(client, used.get('kafka-lab')!, lab.advertised, used.get('kafka')!, real.advertised);
    return used.get('kafka-lab')!;
  };

  describeWithClient(findKcat(), 'kcat', (kcat) => {
    it('kcat lists metadata, produces, reads from the beginning and reads in a group at the versions it uses on Kafka', async () => {
      const used = await onBothSides('kcat', async (side, topic, clientId) => {
        const kcatRun = (args: string[], input = '') => run(kcat, ['-b', side.bootstrap, '-X', `client.id=${clientId}`, '-d', 'protocol,feature', ...args], { input });
        const logs: string[] = [];
        logs.push((await kcatRun(['-L', '-t', topic])).stderr);
        logs.push((await kcatRun(['-P', '-t', topic], 'one\ntwo\nthree\n')).stderr);
        const read = await kcatRun(['-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
        expect(read.stdout.split('\n').filter(Boolean)).toEqual(['one', 'two', 'three']);
        const grouped = await kcatRun(['-G', `${clientId}-group`, '-X', 'auto.offset.reset=earliest', '-e', '-q', topic]);
        expect(grouped.stdout.split('\n').filter(Boolean)).toEqual(['one', 'two', 'three']);
        return librdkafkaVersions([...logs, read.stderr, grouped.stderr].join('\n'));
      });
      // The APIs this work needs: Produce, Fetch, ListOffsets, Metadata, the group's, ApiVersions.
      expect([...used.keys()].sort((a, b) => a - b)).toEqual(expect.arrayContaining([0, 1, 2, 3, 8, 9, 10, 11, 14, 18]));
    });
  });

  for (const [client, module] of [['kafka-python', 'kafka'], ['confluent-kafka', 'confluent_kafka']] as const) {
    describeWithClient(findPython([module]), client, (python) => {
      it(`${client} produces and reads in a group, committing, at the versions it uses on Kafka`, async () => {
        const used = await onBothSides(client, async (side, topic, clientId) => {
          const ran = await run(python, [`${CLIENT_SCRIPTS}negotiation_workload.py`, client, side.bootstrap, topic, `${clientId}-group`, clientId], { timeoutMs: 120_000 });
          expect(ran.stdout).toMatch(/^consumed 3$/m);
          return client === 'kafka-python' ? jsonVersions(ran.stdout) : librdkafkaVersions(ran.stderr);
        });
        expect([...used.keys()].sort((a, b) => a - b)).toEqual(expect.arrayContaining([0, 1, 3, 8, 9, 10, 11, 14, 18]));
      });
    });
  }
});
