// Request header v1/v2 and response header v0/v1.
// v2 / v1 are the flexible forms: the same fields plus a tagged-field section. The request's
// client id stays a classic nullable string even in v2, for compatibility with old brokers.

import { MalformedFrameError, type Reader, type Writer } from './wire.ts';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads the fixed part every request shares; enough to answer or refuse it. */
export function readRequestPrefix(r: Reader): Omit<RequestHeader, 'clientId'> {
  if (r.remaining < 8) throw new MalformedFrameError(`frame of ${r.remaining} bytes is shorter than a request header`);
  return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32() };
}

export function readClientIdAndTags(r: Reader, flexible: boolean): string | null {
  const clientId = r.sized(false, 16)?.toString('utf8') ?? null;
  if (flexible) skipTaggedFields(r);
  return clientId;
}

export function skipTaggedFields(r: Reader): void {
  const count = r.unsignedVarint();
  for (let i = 0; i < count; i++) {
    r.unsignedVarint();
    r.bytesOf(r.unsignedVarint());
  }
}

export function writeResponseHeader(w: Writer, correlationId: number, flexible: boolean): void {
  w.int32(correlationId);
  if (flexible) w.unsignedVarint(0);
}
