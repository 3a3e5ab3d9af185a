// The transaction-verifier assignment: the TA's state dir (init), the server (startAssignmentServer)
// and what reads its store afterwards (scoreboard, export, verify). README.md, "The
// transaction-verifier assignment", is the TA's guide.

import { statePath, STORE_FILE } from './state.ts';
import { AssignmentStore } from './store.ts';

export { CODES, CODE_MEANINGS, CODE_NAMES, ALL_CODES, type Code } from './codes.ts';
export { canonicalTransaction, genSignature, signatureMatches, type Transaction } from './signature.ts';
export { formatProofLine, parseProofLine, resultChecksum, type ProofLine } from './checksum.ts';
export { TransactionGenerator } from './generator.ts';
export { parseGroupsCsv, GroupsFileError } from './groups-csv.ts';
export { initAssignment, DEFAULTS, type InitOptions, type InitReport } from './init.ts';
export { handoutFor, type Handout } from './handout.ts';
export { AssignmentError, readConfig, resultTopicFor, serverGroupId, statePath, type AssignmentConfig, type GroupState } from './state.ts';
export { startAssignmentServer, type AssignmentServer, type ServeOptions } from './server.ts';
export { scoreboard, ranked, refusedCount, serverRunning, type Scoreboard, type GroupScore, type ServerStatus } from './scoreboard.ts';
export { exportAssignment, EXPORT_FORMATS, type ExportFormat } from './export.ts';
export { verifyProof, type ProofCheck } from './verify.ts';
export { AssignmentStore, type StoredVerdict, type StoredTransaction } from './store.ts';
export { decodeResult, encodeSubmission, transactionType, submitType, resultType, type Result, type Submission } from './schemas.ts';

/** The dir's store for reading (status, export, verify), or undefined before any server ran. */
export function openStoreForReading(dir: string): AssignmentStore | undefined {
  try {
    return AssignmentStore.open(statePath(dir, STORE_FILE), { readOnly: true });
  } catch {
    return undefined;
  }
}
