// The history checker: record what clients were promised and what they read, then judge it
// against the final logs. See recorder.ts for use on a running cluster, history.ts for the rules.

export { recordHistory, HistoryRecorder, type RecordHistoryOptions, type ConsumedInput, type AcknowledgedInput } from './recorder.ts';
export {
  checkHistory,
  recordText,
  FINDING_KINDS,
  type AcknowledgedWrite,
  type ConsumedRecord,
  type Truncation,
  type ReadPosition,
  type History,
  type FinalLog,
  type FinalRecord,
  type Finding,
  type FindingKind,
  type HistoryReport,
} from './history.ts';
export { formatReport, printReport, shouldColor, totalsLine } from './report.ts';
