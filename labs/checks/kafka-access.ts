// The checks' one door to a cluster: a kafkajs client on its bootstrap servers, so the same checks
// run against the embedded cluster, `kafka-lab broker`, or a real Kafka. Nothing here creates a
// topic or joins a consumer group: a check must not change what it looks at.

import { AssignerProtocol, Kafka, logLevel, type Admin, type ConfigResourceTypes } from 'kafkajs';
import { readPartition, READ_UNCOMMITTED } from '../../simulator/testkit/read-partition.ts';

export interface PartitionOffsets {
  partition: number;
  /** First offset still in the log. */
  low: number;
  /** High watermark: the offset the next record gets. */
  high: number;
}

export interface ReadRecord {
  /** Header values as text, when asked for. */
  headers?: Record<string, string>;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

/** kafkajs's ConfigResourceTypes.TOPIC (its enum is not an ES export). */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** topic → partitions; empty when the member has none (or an assignment kafka-lab cannot read). */
  assignment: Record<string, number[]>;
}

export interface GroupDescription {
  group: string;
  /** Kafka's names: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  state: string;
  protocol: string;
  members: GroupMember[];
}

export interface TopicRecords {
  records: ReadRecord[];
  /** Records in the topic (high − low, summed), which may exceed what was read. */
  total: number;
}

export class KafkaAccess {
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | undefined;

  constructor(readonly bootstrapServers: string[]) {
    this.kafka = new Kafka({
      brokers: bootstrapServers,
      clientId: 'kafka-lab-check',
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw new Error(`cannot reach the cluster at ${this.bootstrapServers.join(',')}: ${(error as Error).message}`);
        },
      );
    }
    return this.admin;
  }

  /** Runs `use` with the admin client; a failure drops the connection so the next call starts afresh. */
  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.connectedAdmin();
    try {
      return await use(admin);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async topicNames(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics());
  }

  async topicExists(topic: string): Promise<boolean> {
    return (await this.topicNames()).includes(topic);
  }

  /** Offsets of every partition of an existing topic, by partition number. */
  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
    return offsets
      .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** A group's committed offset per partition of `topic`; -1 where it committed none. */
  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const [result] = await this.withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
    return new Map((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  /** A consumer group's state and members with their assignments, as `kafka-consumer-groups --describe --members` shows them. */
  async describeGroup(groupId: string): Promise<GroupDescription> {
    const { groups } = await this.withAdmin((admin) => admin.describeGroups([groupId]));
    const g = groups[0];
    const members = (g?.members ?? []).map((m): GroupMember => {
      let assignment: Record<string, number[]> = {};
      try {
        assignment = (m.memberAssignment.length > 0 && AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment) || {};
      } catch {
        // not the consumer protocol: no partitions to show
      }
      return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
    });
    return { group: groupId, state: g?.state ?? 'Dead', protocol: g?.protocol ?? '', members };
  }

  /** Everything a group committed: topic → partition → offset (-1 where none). */
  async committedAll(groupId: string): Promise<Map<string, Map<number, number>>> {
    const topics = await this.withAdmin((admin) => admin.fetchOffsets({ groupId }));
    return new Map(topics.map((t) => [t.topic, new Map(t.partitions.map((p) => [p.partition, Number(p.offset)]))]));
  }

  /**
   * The records of an existing topic, partition by partition, at most `limit` of them in all: what
   * a read_committed consumer gets, or with `uncommitted` every data record, aborted ones too.
   */
  async records(topic: string, limit = 20_000, { uncommitted = false, headers = false } = {}): Promise<TopicRecords> {
    const offsets = await this.offsets(topic);
    const total = offsets.reduce((sum, p) => sum + Math.max(0, p.high - p.low), 0);
    const records: ReadRecord[] = [];
    for (const p of offsets) {
      if (records.length >= limit || p.high <= p.low) continue;
      const read = await readPartition(this.kafka, topic, p.partition, {
        from: p.low,
        to: p.high,
        limit: limit - records.length,
        ...(uncommitted ? { isolationLevel: READ_UNCOMMITTED } : { asConsumer: true }),
      });
      for (const m of read.messages) {
        if (m.isControlRecord) continue;
        const record: ReadRecord = { partition: p.partition, offset: Number(m.offset), key: m.key, value: m.value, timestamp: Number(m.timestamp) };
        if (headers) record.headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([name, value]) => [name, String(Array.isArray(value) ? value[0] : value)]));
        records.push(record);
      }
    }
    return { records, total };
  }

  /** A topic's configs as the broker describes them (effective values). */
  async topicConfigs(topic: string): Promise<Map<string, string>> {
    const { resources } = await this.withAdmin((admin) => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC_RESOURCE, name: topic }] }));
    return new Map((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await admin.then((a) => a.disconnect()).catch(() => {});
  }
}
