// What the assignment checks read: the practice assignment server's state in the workspace (the
// lab's `assignment` service keeps it there), opened for reading only. The checks judge what the
// server recorded — never the student's code.

import { openStoreForReading, readConfig, type AssignmentConfig, type AssignmentStore, type GroupState } from '../../grader/assignment/index.ts';
import { practiceDir } from '../services/assignment.ts';

export interface Practice {
  config: AssignmentConfig;
  store: AssignmentStore;
  /** The student's group on the practice server. */
  group: GroupState;
}

/** Runs `use` with the practice assignment, or returns why there is none yet. */
export function withPractice<T>(workspaceDir: string, use: (practice: Practice) => T): T | { missing: string } {
  const dir = practiceDir(workspaceDir);
  let config: AssignmentConfig;
  try {
    config = readConfig(dir);
  } catch {
    return { missing: `no practice assignment server has run in this workspace (${dir}); \`kafka-lab lab transaction-verifier\` starts one` };
  }
  const store = openStoreForReading(dir);
  if (!store) return { missing: `the practice assignment server has not stored anything yet (${dir})` };
  try {
    return use({ config, store, group: config.groups[0] });
  } finally {
    store.close();
  }
}
