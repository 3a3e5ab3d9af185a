// Carrying out what the faults decided for one request: wait (latency, delay rules, a connection
// muted by throttling), then close the connection, stay silent, or answer — with injected errors
// for what the rules fail and the real handler's answer for the rest, merged into one response —
// and finally set throttle_time_ms and mute the connection for it, as brokers do since KIP-219.

import { NO_RESPONSE, type Api, type RequestContext, type Result } from '../apis/api.ts';
import { namedParts, partKey, type Decision } from './rules.ts';

type Handle = (request: unknown) => Promise<Result<unknown>>;

export class Interception {
  /** Closed or swallowed: no response, and no request-handled event (a fault-fired event told it). */
  dropped = false;

  constructor(
    private readonly api: Api,
    private readonly request: unknown,
    private readonly context: RequestContext,
    private readonly decision: Decision,
    private readonly mute: (ms: number) => void,
  ) {}

  async answer(handle: Handle): Promise<Result<unknown>> {
    const { decision, context } = this;
    if (decision.waitMs > 0) await sleep(decision.waitMs);
    // The broker went down meanwhile: its connections went with it.
    if (context.broker.state === 'down') return this.drop();
    if (decision.drop === 'close') context.connection.close();
    if (decision.drop !== null) return this.drop();

    const response = await this.respond(handle);
    if (response === NO_RESPONSE || decision.throttleMs <= 0) return response;
    this.mute(decision.throttleMs);
    if (!('throttleTimeMs' in this.api.response.spec)) return response;
    const current = (response as { throttleTimeMs?: number }).throttleTimeMs ?? 0;
    return { ...(response as object), throttleTimeMs: Math.max(current, decision.throttleMs) };
  }

  private drop(): typeof NO_RESPONSE {
    this.dropped = true;
    return NO_RESPONSE;
  }

  private async respond(handle: Handle): Promise<Result<unknown>> {
    const { api, request, context, decision } = this;
    if (decision.wholeError !== null) return this.failed(api.errorResponse!(request, decision.wholeError, context));
    if (decision.partErrors.size === 0) return handle(request);

    const codeOf = (topic: string, partition?: number) => decision.partErrors.get(partKey(topic, partition));
    const narrow = (keep: (code: number | undefined) => boolean) => api.narrow!(request, (topic, partition) => keep(codeOf(topic, partition)));
    const pieces: Result<unknown>[] = [];
    const handledForReal = namedParts(api.names!(request)).some((p) => codeOf(p.topic, p.partition) === undefined);
    if (handledForReal) pieces.push(await handle(narrow((code) => code === undefined)));
    for (const code of new Set(decision.partErrors.values())) pieces.push(api.errorResponse!(narrow((c) => c === code), code, context));
    if (pieces.some((piece) => piece === NO_RESPONSE)) return this.failed(NO_RESPONSE);
    return pieces.reduce((merged, piece) => mergeResponses(merged as Record<string, unknown>, piece as Record<string, unknown>));
  }

  /** An injected error the client will not read (acks=0): Kafka closes the connection so it notices. */
  private failed(response: Result<unknown>): Result<unknown> {
    if (response === NO_RESPONSE) this.context.connection.close();
    return response;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The topic an entry of a response list is about ("name" or "topic"), if it is about one. */
function topicOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const { name, topic } = item as { name?: unknown; topic?: unknown };
  return typeof name === 'string' ? name : typeof topic === 'string' ? topic : undefined;
}

/**
 * Merges the answer to one part of a request into the answer to another part: entries about the
 * same topic merge, their partition lists join; everything else (throttle time, top-level error,
 * the broker list of Metadata) stays as the first response — the real handler's, when there is one.
 */
export function mergeResponses(first: Record<string, unknown>, second: Record<string, unknown>, insideTopic = false): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(second)) {
    const mine = first[key];
    if (!Array.isArray(mine) || !Array.isArray(value)) continue;
    if (!insideTopic && !value.some((item) => topicOf(item) !== undefined)) continue;
    const list = [...mine];
    for (const item of value) {
      const topic = topicOf(item);
      const same = topic === undefined ? -1 : list.findIndex((other) => topicOf(other) === topic);
      if (same >= 0) list[same] = mergeResponses(list[same] as Record<string, unknown>, item as Record<string, unknown>, true);
      else list.push(item);
    }
    merged[key] = list;
  }
  return merged;
}
