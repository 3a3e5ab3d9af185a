// SCRAM credentials over bare requests on a PLAINTEXT cluster, where Kafka keeps them in its
// metadata too: every error code and message, and null against "" where no error is.

import { createHash } from 'node:crypto';
import { rawRequest } from '../raw.ts';
import type { Scenario } from '../scenario.ts';

const SHA_256 = 1;
const SHA_512 = 2;
const upsert = (name: string, mechanism: number, iterations = 4096) => ({
  name,
  mechanism,
  iterations,
  salt: Buffer.from(`${name}-salt`),
  saltedPassword: createHash(mechanism === SHA_512 ? 'sha512' : 'sha256').update(name).digest(),
});

export const userScenarios: Scenario[] = [
  {
    name: 'scram users: bare AlterUserScramCredentials and DescribeUserScramCredentials answer every case with its code and message',
    async run(ctx) {
      const [broker] = ctx.bootstrapServers;
      const [ann, ben, cid] = [ctx.name('ann'), ctx.name('ben'), ctx.name('cid')];
      const byUser = (answer: Record<string, unknown>) => ({
        ...answer,
        results: [...(answer.results as { user: string; errorCode: number }[])].sort((a, b) => a.user.localeCompare(b.user)),
      });
      const alter = async (deletions: object[], upsertions: object[]) => byUser(await rawRequest(broker, 51, 0, { deletions, upsertions }));
      const describe = async (users: string[] | null) => {
        const answer = byUser(await rawRequest(broker, 50, 0, { users: users?.map((name) => ({ name })) ?? null }));
        // Only this run's users: the cluster may hold others.
        return { ...answer, results: answer.results.filter((r) => [ann, ben, cid, ''].includes(r.user) || users !== null) };
      };
      const created = await alter([], [upsert(ann, SHA_256, 8192), upsert(ben, SHA_512)]);
      // A broker applies the change a moment after the controller answers it.
      const deadline = Date.now() + 15_000;
      let settled = await describe([ann, ben]);
      while (settled.results.some((r) => r.errorCode !== 0) && Date.now() < deadline) settled = await describe([ann, ben]);
      return {
        created,
        settled,
        refused: await alter(
          [
            { name: ann, mechanism: 0 },
            { name: cid, mechanism: SHA_256 },
          ],
          [upsert('', SHA_256), upsert(ben, 3), upsert(ctx.name('dot'), SHA_256, 4095), upsert(ctx.name('eve'), SHA_512, 16_385)],
        ),
        duplicate: await alter([{ name: ben, mechanism: SHA_512 }], [upsert(ben, SHA_256)]),
        named: await describe([ann, cid, ann, ben, cid]),
        all: await describe(null),
      };
    },
  },
];
