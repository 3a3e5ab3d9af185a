// Every Kafka API this broker serves, one module each, named by key as in Kafka's protocol guide.

import type { Api } from './api.ts';
import { produce } from './00_produce.ts';
import { fetch } from './01_fetch.ts';
import { listOffsets } from './02_list_offsets.ts';
import { metadata } from './03_metadata.ts';
import { apiVersions } from './18_api_versions.ts';

export const ALL_APIS: readonly Api[] = [produce, fetch, listOffsets, metadata, apiVersions];

export const API_BY_KEY: ReadonlyMap<number, Api> = new Map(ALL_APIS.map((api) => [api.key, api]));
