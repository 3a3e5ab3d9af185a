// SASL login and ACLs, on clusters where clients must log in (CONFORMANCE_SASL_BROKERS): an admin
// who is a super user, and students with no ACLs until a scenario grants them some.

import kafkajs, { type SASLOptions } from 'kafkajs';
import type { BrokerOptions } from '../../providers/index.ts';
import { outcome } from '../normalise.ts';
import type { Scenario, ScenarioContext } from '../scenario.ts';
import { python, until } from './support.ts';

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
  {
    name: 'acls: kafka-python creates, describes and deletes ACLs (literal and prefixed, each filter), refuses malformed ones, and a user who is no super user may do none of it',
    clients: ['kafka-python'],
    knownDifferences: [{ path: '$.notSuperUser[*].message', fidelity: 'Cluster-denied message of the ACL APIs' }],
    async run(ctx) {
      const [orders, prefix, group] = [ctx.topic('orders'), ctx.name('team-'), ctx.group('readers')];
      const asAdmin = (list: object[]) => python(ctx, 'admin_steps.py', 'admin:admin-secret', JSON.stringify(list));
      const topicAcl = (principal: string, operation: string, extra: object = {}) => ({ principal, operation, permission: 'ALLOW', type: 'TOPIC', name: orders, ...extra });
      const created = await asAdmin([
        {
          op: 'create_acls',
          acls: [
            topicAcl('User:bob', 'READ'),
            topicAcl('User:bob', 'DESCRIBE'),
            topicAcl('User:alice', 'WRITE', { host: '127.0.0.1' }),
            topicAcl('User:alice', 'READ', { permission: 'DENY' }),
            { principal: 'User:alice', operation: 'WRITE', permission: 'ALLOW', type: 'TOPIC', name: prefix, pattern: 'PREFIXED' },
            { principal: 'User:bob', operation: 'READ', permission: 'ALLOW', type: 'GROUP', name: group },
          ],
        },
        // Each on its own: no principal type and an empty name are refused; a host that is no address is kept as given.
        { op: 'create_acls', acls: [topicAcl('alice', 'READ'), topicAcl('User:bob', 'READ', { name: '' }), topicAcl('User:bob', 'READ', { host: 'not a host' })] },
      ]);
      const describe = (filter: object) => ({ op: 'describe_acls', acls: [filter] });
      const onOrders = { type: 'TOPIC', name: orders, pattern: 'LITERAL' };
      // A broker applies ACLs a moment after the controller answers.
      let settled: Record<string, unknown>[] = [];
      await until(async () => {
        settled = await asAdmin([describe(onOrders)]);
        return ((settled[0]?.result as { acls?: unknown[] })?.acls ?? []).length === 5;
      });
      const described = await asAdmin([
        describe({ ...onOrders, principal: 'User:alice' }),
        describe({ ...onOrders, host: '127.0.0.1' }),
        describe({ ...onOrders, operation: 'READ' }),
        describe({ ...onOrders, permission: 'DENY' }),
        // MATCH: the literal ACLs on the name, and the prefixed ones it starts with.
        describe({ type: 'TOPIC', name: `${prefix}payments`, pattern: 'MATCH' }),
        describe({ type: 'TOPIC', name: prefix, pattern: 'PREFIXED' }),
        describe({ type: 'GROUP', name: group, pattern: 'ANY' }),
      ]);
      const deleted = await asAdmin([
        {
          op: 'delete_acls',
          acls: [
            { ...onOrders, principal: 'User:bob' },
            { type: 'TOPIC', name: prefix, pattern: 'PREFIXED' },
            { type: 'TOPIC', name: ctx.topic('never-had-acls'), pattern: 'LITERAL' },
          ],
        },
      ]);
      let after: Record<string, unknown>[] = [];
      await until(async () => {
        after = await asAdmin([describe(onOrders)]);
        return ((after[0]?.result as { acls?: unknown[] })?.acls ?? []).length === 2;
      });
      const notSuperUser = await python(ctx, 'admin_steps.py', 'alice:alice-secret', JSON.stringify([{ op: 'create_acls', acls: [topicAcl('User:alice', 'ALL')] }, describe(onOrders), { op: 'delete_acls', acls: [onOrders] }]));
      return { created, settled, described, deleted, after, notSuperUser };
    },
  },
  {
    name: 'scram users: kafka-python adds, replaces and deletes credentials per mechanism at run time, each with its own iterations, and logins follow',
    clients: ['kafka-python'],
    knownDifferences: [{ path: '$.notSuperUser[0].result.*', fidelity: 'Cluster-denied message of the ACL APIs' }],
    async run(ctx) {
      const [carol, dave] = [ctx.name('carol'), ctx.name('dave')];
      const steps = async (user: string, password: string, list: object[]) => python(ctx, 'admin_steps.py', `${user}:${password}`, JSON.stringify(list));
      const asAdmin = (list: object[]) => steps('admin', 'admin-secret', list);
      /** DescribeUserScramCredentials of carol and dave once it shows `credentials` mechanisms in all (brokers apply changes a moment after the controller answers). */
      const settled = async (credentials: number) => {
        let described: Record<string, unknown>[] = [];
        await until(async () => {
          described = await asAdmin([{ op: 'describe_user_scram_credentials', users: [carol, dave] }]);
          const users = Object.values((described[0]?.result ?? {}) as Record<string, { credentials: unknown[] }>);
          return users.reduce((n, u) => n + u.credentials.length, 0) === credentials;
        });
        return described;
      };
      const logins = async (attempts: [string, Mechanism, string][]) => {
        const out: Record<string, unknown> = {};
        for (const [user, mechanism, password] of attempts) out[`${user === carol ? 'carol' : 'dave'} ${mechanism} ${password}`] = await login(ctx, user, mechanism, password);
        return out;
      };

      const created = await asAdmin([
        {
          op: 'alter_user_scram_credentials',
          alterations: [
            { upsert: carol, mechanism: 'SCRAM-SHA-256', password: 'carol-256', iterations: 8192 },
            { upsert: dave, mechanism: 'SCRAM-SHA-512', password: 'dave-512' },
          ],
        },
        // Both mechanisms of one user in one request, as kafka-configs --add-config 'SCRAM-SHA-256=[…],SCRAM-SHA-512=[…]' sends them.
        {
          op: 'alter_user_scram_credentials',
          alterations: [
            { upsert: ctx.name('gina'), mechanism: 'SCRAM-SHA-256', password: 'gina-256' },
            { upsert: ctx.name('gina'), mechanism: 'SCRAM-SHA-512', password: 'gina-512' },
          ],
        },
        { op: 'describe_user_scram_credentials', users: [ctx.name('gina')] },
      ]);
      const afterCreate = await settled(2);
      const loginsAfterCreate = await logins([
        [carol, 'scram-sha-256', 'carol-256'],
        [carol, 'scram-sha-512', 'carol-256'],
        [dave, 'scram-sha-512', 'dave-512'],
        [dave, 'scram-sha-256', 'dave-512'],
      ]);
      const refused = await asAdmin([
        {
          op: 'alter_user_scram_credentials',
          alterations: [
            { delete: carol, mechanism: 'SCRAM-SHA-512' },
            { upsert: ctx.name('erin'), mechanism: 'SCRAM-SHA-256', password: 'x', iterations: 1000 },
            { upsert: ctx.name('frank'), mechanism: 'SCRAM-SHA-512', password: 'x', iterations: 20000 },
            { upsert: '', mechanism: 'SCRAM-SHA-256', password: 'x' },
            { delete: dave, mechanism: 'SCRAM-SHA-512' },
            { upsert: dave, mechanism: 'SCRAM-SHA-256', password: 'twice' },
          ],
        },
        { op: 'describe_user_scram_credentials', users: [carol, carol, ctx.name('nobody')] },
      ]);
      const changed = await asAdmin([
        {
          op: 'alter_user_scram_credentials',
          alterations: [
            { upsert: carol, mechanism: 'SCRAM-SHA-512', password: 'carol-512' },
            { delete: dave, mechanism: 'SCRAM-SHA-512' },
          ],
        },
      ]);
      const afterChange = await settled(2);
      const loginsAfterChange = await logins([
        [carol, 'scram-sha-512', 'carol-512'],
        [carol, 'scram-sha-256', 'carol-256'],
        [dave, 'scram-sha-512', 'dave-512'],
      ]);
      const notSuperUser = await steps('alice', 'alice-secret', [{ op: 'alter_user_scram_credentials', alterations: [{ upsert: ctx.name('mallory'), mechanism: 'SCRAM-SHA-256', password: 'x' }] }]);
      return { created, afterCreate, loginsAfterCreate, refused, changed, afterChange, loginsAfterChange, notSuperUser, everyone: await asAdmin([{ op: 'describe_user_scram_credentials', users: null }]) };
    },
  },
];
