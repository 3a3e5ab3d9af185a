// Every check kind, by the `type` a lab's JSON names it with. Adding a kind: a module beside this
// one built with defineCheck, listed here, documented in README.md ("Writing a lab").

import type { AnyCheckKind } from './check-kind.ts';
import { assignmentFile } from './assignment-file.ts';
import { assignmentVerdicts } from './assignment-verdicts.ts';
import { acknowledgedWrites } from './acknowledged-writes.ts';
import { avroFile } from './avro-file.ts';
import { avroRecords } from './avro-records.ts';
import { chunkedFile } from './chunked-file.ts';
import { clientConnected } from './client-connected.ts';
import { compactedTable } from './compacted-table.ts';
import { delivery } from './delivery.ts';
import { fileLines } from './file-lines.ts';
import { filesBySize } from './files-by-size.ts';
import { faultsDone } from './faults-done.ts';
import { groupCommitted } from './group-committed.ts';
import { logHistory } from './log-history.ts';
import { groupLeft } from './group-left.ts';
import { groupMembers } from './group-members.ts';
import { keysInOrder } from './keys-in-order.ts';
import { records } from './records.ts';
import { topicConfig } from './topic-config.ts';
import { topicExists } from './topic-exists.ts';
import { totalsPerKey } from './totals-per-key.ts';

export const CHECK_KINDS: ReadonlyMap<string, AnyCheckKind> = new Map(
  [topicExists, records, avroRecords, groupCommitted, fileLines, avroFile, filesBySize, clientConnected, logHistory, keysInOrder, groupMembers, groupLeft, faultsDone, assignmentFile, assignmentVerdicts, topicConfig, delivery, acknowledgedWrites, totalsPerKey, chunkedFile, compactedTable].map((kind) => [kind.type, kind as AnyCheckKind]),
);

export type { CheckContext, CheckOutcome, CheckStatus, CheckNeed } from './check-kind.ts';
export { KafkaAccess } from './kafka-access.ts';
export { SchemaLibrary } from './avro-schemas.ts';
