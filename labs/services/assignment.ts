// `assignment`: a practice assignment server for one student, the TA's server in small (the same
// code, grader/assignment/), so the transaction-verifier lab can be done alone. Its state lives in
// the workspace (.kafka-lab/assignment/: one group, vid v001, its token), and its handout is
// written to the workspace's verifier.json, which the lab's programs read. A TA's handout saved as
// verifier.json is never overwritten: the programs then talk to the TA's server, and the screen
// says so. On a lab cluster that is new (an embedded one starts empty), the practice server starts
// afresh; the token stays.

import fs from 'node:fs';
import path from 'node:path';
import { integer } from '../engine/lab-fields.ts';
import { defineService } from './service-kind.ts';

/** Where the practice server keeps its state in a workspace. */
export const practiceDir = (workspaceDir: string) => path.join(workspaceDir, '.kafka-lab', 'assignment');
export const HANDOUT_FILE = 'verifier.json';

export const assignmentService = defineService({
  type: 'assignment',
  runs: 'a practice transaction-verifier assignment server for the student (vid v001), its handout in the workspace\'s verifier.json',
  params: {
    rate: integer({ min: 1, max: 10_000 }, 'transactions produced per second').default(10),
    rateLimit: integer({ min: 1, max: 100_000 }, 'submissions per second before 429').default(200),
    burst: integer({ min: 1, max: 1_000_000 }, 'submissions at once before the rate limit applies').default(1000),
  },
  describe: ({ rate }) => `a practice assignment server (${rate} transactions/s)`,
  async start({ rate, rateLimit, burst }, { bootstrapServers, workspaceDir }) {
    const { initAssignment, startAssignmentServer } = await import('../../grader/assignment/index.ts');
    const dir = practiceDir(workspaceDir);
    const { config } = initAssignment(dir, {
      groupsCsv: 'Practice,you',
      bootstrap: bootstrapServers.join(','),
      ratePerSecond: rate,
      rateLimit: { perSecond: rateLimit, burst },
      partitions: 3,
    });
    const notes: string[] = [];
    const handout = path.join(workspaceDir, HANDOUT_FILE);
    const practice = fs.readFileSync(path.join(dir, 'handouts', `${config.groups[0].vid}.json`), 'utf8');
    const current = readJson(handout);
    if (current === undefined || current.assignment === config.id) fs.writeFileSync(handout, practice, { mode: 0o600 });
    else notes.push(`${HANDOUT_FILE} is the handout of assignment ${String(current.assignment)}: your programs talk to that server, not to this lab's practice one.`);
    const server = await startAssignmentServer({ dir, bootstrapServers, onNewCluster: 'reset' });
    notes.unshift(`Practice assignment server: vid ${config.groups[0].vid}, ${rate} transactions/s on ${config.topics.transaction}; your handout is ${HANDOUT_FILE}.`);
    return { notes, stop: () => server.stop() };
  },
});

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
