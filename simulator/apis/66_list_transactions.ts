// ListTransactions (66): the transactional ids this broker coordinates (clients ask every broker),
// filtered by state, producer id, v1+ by how long they have been open, v2+ by a pattern their id
// must match whole (a Java regular expression; JavaScript's for the common subset). Only the ids
// the client may DESCRIBE are listed; state filters no state has come back as unknown.

import { ErrorCode } from '../protocol/errors.ts';
import { ListTransactionsRequest } from '../protocol/messages/ListTransactionsRequest.ts';
import { ListTransactionsResponse } from '../protocol/messages/ListTransactionsResponse.ts';
import { TXN_STATUSES } from '../txn/txn-state-format.ts';
import { defineApi } from './api.ts';

export const listTransactions = defineApi({
  request: ListTransactionsRequest,
  response: ListTransactionsResponse,
  versions: '0-2',
  handle(req, { transactions, broker, authorize }) {
    const states = new Set<string>(TXN_STATUSES);
    const unknownStateFilters = req.stateFilters.filter((s) => !states.has(s));
    let pattern: RegExp | null = null;
    if (req.transactionalIdPattern !== null && req.transactionalIdPattern !== '') {
      try {
        pattern = new RegExp(`^(?:${req.transactionalIdPattern})$`);
      } catch (error) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters, transactionStates: [] };
      }
    }
    const now = Date.now();
    const listed = transactions.coordinatedBy(broker.id).filter(
      (txn) =>
        authorize('DESCRIBE', 'TRANSACTIONAL_ID', txn.transactionalId) &&
        (req.stateFilters.length === 0 || req.stateFilters.includes(txn.status)) &&
        (req.producerIdFilters.length === 0 || req.producerIdFilters.includes(txn.producerId)) &&
        (req.durationFilter < 0 || (txn.status === 'Ongoing' && now - txn.startedAt >= req.durationFilter)) &&
        (pattern === null || pattern.test(txn.transactionalId)),
    );
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters,
      transactionStates: listed.map((txn) => ({ transactionalId: txn.transactionalId, producerId: txn.producerId, transactionState: txn.status })),
    };
  },
  describe: (req) => [req.stateFilters.join(','), req.transactionalIdPattern ?? ''].filter(Boolean).join(' '),
});
