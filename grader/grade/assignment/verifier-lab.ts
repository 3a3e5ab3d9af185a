// Where a verifier lives in a submission and in the workspace it runs from: the
// transaction-verifier lab's layout (transaction-verifier/python/verifier.py,
// transaction-verifier/typescript/verifier.ts), which the assignment's handouts tell students to
// run, with the lab's starters and helpers (handout, gen_signature, crash) under the submission's
// own files.

import type { LabDefinition, RunCommand } from '../../../labs/engine/lab-definition.ts';
import { findLab } from '../../../labs/engine/load.ts';

export const VERIFIER_LAB_ID = 'transaction-verifier';
export const VERIFIER_FILE = 'verifier';

/** The verifier as the grader starts it: no arguments (it runs until stopped), in the background. */
export const VERIFIER_COMMAND: RunCommand = { file: VERIFIER_FILE, args: [], background: true, exitCode: 0 };

/** The handout's file name at the workspace's root, as the lab and the handout text tell students. */
export const HANDOUT_FILE = 'verifier.json';

export function verifierLab(): LabDefinition {
  const lab = findLab(VERIFIER_LAB_ID);
  if (!lab.steps.some((step) => step.files.includes(VERIFIER_FILE))) throw new Error(`lab ${VERIFIER_LAB_ID} has no "${VERIFIER_FILE}" program: the grader runs that one`);
  return lab;
}
