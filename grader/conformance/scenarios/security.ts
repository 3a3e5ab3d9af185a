// SASL login and ACLs, on clusters where clients must log in (CONFORMANCE_SASL_BROKERS): an admin
// who is a super user, and students with no ACLs until a scenario grants them some.

import kafkajs, { type SASLOptions } from 'kafkajs';
import type { BrokerOptions } from '../../providers/index.ts';
import { outcome } from '../normalise.ts';
import type { Scenario, ScenarioContext } from '../scenario.ts';

// kafkajs is CommonJS; Node's ESM loader does not see these exports by name.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export const CONFORMANCE_SASL_BROKERS: BrokerOptions = {
  brokers: 1,
  groupInitialRebalanceDelayMs: 0,
  sasl: {
    users: [
      { name: 'admin', password: 'admin-secret' },
      { name: 'alice', password: 'alice-secret' },
      { name: 'bob', password: 'bob-secret' },
    ],
    superUsers: ['admin'],
  },
};

type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** A client logged in as the user; few retries, so refusals come back fast, unless `patient`. */
const as = (ctx: ScenarioContext, username: string, mechanism: Mechanism = 'scram-sha-256', password = `${username}-secret`, patient = false) =>
  ctx.kafka({ sasl: { mechanism, username, password } as SASLOptions, retry: patient ? { retries: 6, initialRetryTime: 300 } : { retries: 1, initialRetryTime: 50 } });

/** Connects an admin client as the user: the login, then a Metadata request. */
async function login(ctx: ScenarioContext, username: string, mechanism: Mechanism, password?: string) {
  return outcome(async () => {
    const admin = ctx.track(as(ctx, username, mechanism, password).admin());
    await admin.connect();
    return 'logged in';
  });
}

type Admin = Awaited<ReturnType<ScenarioContext['admin']>>;
type AclFilter = Parameters<Admin['describeAcls']>[0];

/**
 * ACLs as DescribeAcls lists them, once `count` of them match the filter (or after 15 s). Kafka's
 * brokers apply ACL changes when the controller's metadata reaches them, a moment after the answer.
 */
async function aclsOnceSettled(admin: Admin, filter: AclFilter, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const described = await admin.describeAcls(filter);
    const found = described.resources.reduce((n, r) => n + r.acls.length, 0);
    if (found === count || Date.now() > deadline) return described;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const allow = (resourceType: number, resourceName: string, principal: string, operation: number) => ({
  resourceType,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal,
  host: '*',
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

export const securityScenarios: Scenario[] = [
  {
    name: 'sasl: every mechanism logs in with the right password; a wrong password or unknown user is refused with its message',
    async run(ctx) {
      const results: Record<string, unknown> = {};
      for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
        results[mechanism] = {
          right: await login(ctx, 'alice', mechanism),
          wrongPassword: await login(ctx, 'alice', mechanism, 'guess'),
          unknownUser: await login(ctx, 'mallory', mechanism, 'mallory-secret'),
        };
      }
      return results;
    },
  },
  {
    name: 'acls: a user without ACLs is refused writes and reads; granted WRITE and READ, it may',
    async run(ctx) {
      const topic = await ctx.createTopic('guarded');
      const group = ctx.group('alice-readers');
      const admin = await ctx.admin();
      const alice = ctx.track(as(ctx, 'alice').producer({ allowAutoTopicCreation: false }));
      await alice.connect();
      const send = () => outcome(alice.send({ topic, messages: [{ value: 'hello' }] }));
      const refusedWrite = await send();
      const onTopic = { resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY };
      await admin.createAcls({ acl: [allow(AclResourceTypes.TOPIC, topic, 'User:alice', AclOperationTypes.WRITE)] });
      await aclsOnceSettled(admin, onTopic, 1);
      const grantedWrite = await send();
      // Patient: the first group of a Kafka cluster waits for its new __consumer_offsets topic to load.
      const read = async () =>
        outcome(async () => {
          const consumer = ctx.track(as(ctx, 'alice', 'scram-sha-256', undefined, true).consumer({ groupId: group, maxWaitTimeInMs: 100, retry: { retries: 5, initialRetryTime: 300 } }));
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          const values: string[] = [];
          await new Promise<void>((resolve, reject) => {
            // A retriable error (a coordinator still loading its new offsets topic) restarts the consumer.
            consumer.on(consumer.events.CRASH, ({ payload }) => !payload.restart && reject(payload.error));
            void consumer.run({ eachMessage: async ({ message }) => void (values.push(String(message.value)), resolve()) }).catch(reject);
          });
          await consumer.disconnect();
          return values;
        });
      const refusedRead = await read();
      await admin.createAcls({
        acl: [allow(AclResourceTypes.TOPIC, topic, 'User:alice', AclOperationTypes.READ), allow(AclResourceTypes.GROUP, group, 'User:alice', AclOperationTypes.READ)],
      });
      await aclsOnceSettled(admin, onTopic, 2);
      await aclsOnceSettled(admin, { ...onTopic, resourceType: AclResourceTypes.GROUP, resourceName: group }, 1);
      const grantedRead = await read();
      return { refusedWrite, grantedWrite, refusedRead, grantedRead };
    },
  },
  {
    name: 'acls: describeAcls lists what createAcls added, deleteAcls removes what its filter matches',
    async run(ctx) {
      const topic = ctx.topic('acl-target');
      const admin = await ctx.admin();
      await admin.createAcls({
        acl: [
          allow(AclResourceTypes.TOPIC, topic, 'User:bob', AclOperationTypes.READ),
          allow(AclResourceTypes.TOPIC, topic, 'User:bob', AclOperationTypes.DESCRIBE),
          allow(AclResourceTypes.TOPIC, topic, 'User:alice', AclOperationTypes.WRITE),
        ],
      });
      const filter = { resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, host: '*', permissionType: AclPermissionTypes.ANY };
      const sorted = (resources: { acls: { principal: string; operation: number }[] }[]) =>
        resources.map((r) => ({ ...r, acls: [...r.acls].sort((a, b) => a.principal.localeCompare(b.principal) || a.operation - b.operation) }));
      const described = await aclsOnceSettled(admin, { ...filter, operation: AclOperationTypes.ANY }, 3);
      const deleted = await admin.deleteAcls({ filters: [{ ...filter, principal: 'User:bob', operation: AclOperationTypes.ANY }] });
      const after = await aclsOnceSettled(admin, { ...filter, operation: AclOperationTypes.ANY }, 1);
      return {
        described: { ...described, resources: sorted(described.resources) },
        deleted: deleted.filterResponses.map((f) => ({ ...f, matchingAcls: [...f.matchingAcls].sort((a, b) => a.operation - b.operation) })),
        after: { ...after, resources: sorted(after.resources) },
      };
    },
  },
  {
    name: 'acls: metadata shows a user only the topics it may describe',
    async run(ctx) {
      const visible = await ctx.createTopic('visible');
      const hidden = await ctx.createTopic('hidden');
      const admin = await ctx.admin();
      await admin.createAcls({ acl: [allow(AclResourceTypes.TOPIC, visible, 'User:bob', AclOperationTypes.DESCRIBE)] });
      await aclsOnceSettled(admin, { resourceType: AclResourceTypes.TOPIC, resourceName: visible, resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }, 1);
      const bob = ctx.track(as(ctx, 'bob').admin());
      await bob.connect();
      const listed = (await bob.listTopics()).filter((t) => t === visible || t === hidden);
      const hiddenMetadata = await outcome(bob.fetchTopicMetadata({ topics: [hidden] }));
      return { listed, hiddenMetadata };
    },
  },
];
