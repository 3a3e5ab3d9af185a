// ApiVersions (18): which APIs and versions this broker serves. The list is built from the API
// modules themselves, so what we advertise cannot drift from what we implement.

import { ErrorCode } from '../protocol/errors.ts';
import { writeResponseHeader } from '../protocol/headers.ts';
import { ApiVersionsRequest } from '../protocol/messages/ApiVersionsRequest.ts';
import { ApiVersionsResponse } from '../protocol/messages/ApiVersionsResponse.ts';
import { Writer } from '../protocol/wire.ts';
import { defineApi, type Api } from './api.ts';
import { ALL_APIS } from './index.ts';

const PRODUCE_KEY = 0;

// Kafka 4 serves Produce v3+ only, yet advertises v0+ (KAFKA-18659): librdkafka up to 2.11 turns
// gzip, snappy and lz4 off unless the broker lists Produce v0. A v0-v2 Produce is still refused.
const advertisedMin = (api: Api) => (api.key === PRODUCE_KEY ? 0 : api.versions.min);

const advertised = () =>
  ALL_APIS.map((api) => ({ apiKey: api.key, minVersion: advertisedMin(api), maxVersion: api.versions.max })).sort(
    (a, b) => a.apiKey - b.apiKey,
  );

export const apiVersions = defineApi({
  request: ApiVersionsRequest,
  response: ApiVersionsResponse,
  versions: '0-4',
  handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: advertised(), throttleTimeMs: 0 }),
  describe: (req) => (req.clientSoftwareName ? `${req.clientSoftwareName} ${req.clientSoftwareVersion}` : ''),
});

/** The answer to an ApiVersions version we do not serve: a v0 body with UNSUPPORTED_VERSION and our range. */
export function unsupportedVersionResponse(correlationId: number): Buffer {
  const w = new Writer();
  writeResponseHeader(w, correlationId, false);
  ApiVersionsResponse.write(w, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: advertised() }, { version: 0, flexible: false });
  return w.toBuffer();
}
