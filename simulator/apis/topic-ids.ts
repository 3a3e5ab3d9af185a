// Topic ids (KIP-516): newer versions of some APIs name topics by id instead of by name (Produce
// v13, Fetch v13+, OffsetCommit and OffsetFetch v10, DeleteTopics v6, Metadata v12). The
// dispatcher resolves the ids of a decoded request to names before anything else sees it, so
// handlers, --trace and fault rules all work with names; and it adds the ids to the answer, so a
// handler names topics and the codec writes whichever the version carries.

import type { Topics } from '../cluster/topics.ts';
import { ErrorCode } from '../protocol/errors.ts';

export const ZERO_UUID = '0'.repeat(32);
const NAME_KEYS = ['name', 'topic'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);

function visit(value: unknown, act: (entry: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) for (const item of value) visit(item, act);
  else if (isRecord(value)) {
    act(value);
    for (const inner of Object.values(value)) if (typeof inner === 'object') visit(inner, act);
  }
}

/** Fills in the name of every topic the request names by a known id (in place). */
export function resolveTopicIds(request: unknown, topics: Topics): void {
  visit(request, (entry) => {
    if (typeof entry.topicId !== 'string' || entry.topicId === ZERO_UUID) return;
    for (const key of NAME_KEYS) {
      if (key in entry && (entry[key] === '' || entry[key] === null)) {
        const topic = topics.byId(entry.topicId);
        if (topic) entry[key] = topic.name;
      }
    }
  });
}

/**
 * Adds its id to every topic the answer names that has none yet (in place). A topic answered with
 * an error keeps the zero id, as Kafka answers it (CreateTopics of an existing topic, Metadata of
 * a topic the client may not describe).
 */
export function addTopicIds(response: unknown, topics: Topics): void {
  visit(response, (entry) => {
    if (entry.topicId !== undefined && entry.topicId !== ZERO_UUID) return;
    if (typeof entry.errorCode === 'number' && entry.errorCode !== ErrorCode.NONE) return;
    for (const key of NAME_KEYS) {
      const name = entry[key];
      const id = typeof name === 'string' && name !== '' ? topics.get(name)?.id : undefined;
      if (id) entry.topicId = id;
    }
  });
}

/** A topic the request names that does not exist: by an id no topic has, or by a name. */
export const unknownTopicError = (entry: { topicId?: string }, name: string) =>
  name === '' && entry.topicId !== undefined && entry.topicId !== ZERO_UUID ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
