// Where a verifier lives in a submission and in the workspace it runs from: the
// transaction-verifier lab's layout (transaction-verifier/python/verifier.py,
// transaction-verifier/typescript/verifier.ts), which the assignment's handouts tell students to
// run. When the lab is installed its starters and helpers are laid out too; without it the
// workspace has the course's schemas and helpers (workspace.py, workspace.ts) only.

import type { LabDefinition, RunCommand } from '../../../labs/engine/lab-definition.ts';
import { findLab, loadLabs } from '../../../labs/engine/load.ts';
import { packagePath } from '../../../simulator/package-root.ts';

export const VERIFIER_LAB_ID = 'transaction-verifier';
export const VERIFIER_FILE = 'verifier';

/** The verifier as the grader starts it: in the background, until the grader stops it. */
export const VERIFIER_COMMAND: RunCommand = { file: VERIFIER_FILE, args: [], background: true, exitCode: 0 };

/** The handout's file name at the workspace's root, as the handout text tells students. */
export const HANDOUT_FILE = 'verifier.json';

export function verifierLab(): LabDefinition {
  if (loadLabs().some((lab) => lab.id === VERIFIER_LAB_ID)) {
    const lab = findLab(VERIFIER_LAB_ID);
    if (lab.steps.some((step) => step.files.includes(VERIFIER_FILE))) return lab;
  }
  return {
    id: VERIFIER_LAB_ID,
    title: 'The transaction verifier',
    summary: 'the assignment: verify every transaction exactly once',
    order: 0,
    dir: packagePath('labs', 'content', VERIFIER_LAB_ID),
    cluster: { brokers: 1, port: 0, numPartitions: 3, groupInitialRebalanceDelayMs: 0, defaultReplicationFactor: 1 },
    generated: [],
    steps: [
      {
        id: 'verify',
        title: 'Verify every transaction',
        text: '',
        textFile: '',
        files: [VERIFIER_FILE],
        run: [VERIFIER_COMMAND],
        hints: [],
        live: { topics: [], groups: [] },
        checks: [],
      },
    ],
  };
}
