// Every Kafka API this broker serves, one module each, named by key as in Kafka's protocol guide.

import type { Api } from './api.ts';
import { produce } from './00_produce.ts';
import { fetch } from './01_fetch.ts';
import { listOffsets } from './02_list_offsets.ts';
import { metadata } from './03_metadata.ts';
import { offsetCommit } from './08_offset_commit.ts';
import { offsetFetch } from './09_offset_fetch.ts';
import { findCoordinator } from './10_find_coordinator.ts';
import { joinGroup } from './11_join_group.ts';
import { heartbeat } from './12_heartbeat.ts';
import { leaveGroup } from './13_leave_group.ts';
import { syncGroup } from './14_sync_group.ts';
import { describeGroups } from './15_describe_groups.ts';
import { listGroups } from './16_list_groups.ts';
import { saslHandshake } from './17_sasl_handshake.ts';
import { apiVersions } from './18_api_versions.ts';
import { createTopics } from './19_create_topics.ts';
import { deleteTopics } from './20_delete_topics.ts';
import { deleteRecords } from './21_delete_records.ts';
import { initProducerId } from './22_init_producer_id.ts';
import { addPartitionsToTxn } from './24_add_partitions_to_txn.ts';
import { addOffsetsToTxn } from './25_add_offsets_to_txn.ts';
import { endTxn } from './26_end_txn.ts';
import { txnOffsetCommit } from './28_txn_offset_commit.ts';
import { describeAcls } from './29_describe_acls.ts';
import { createAcls } from './30_create_acls.ts';
import { deleteAcls } from './31_delete_acls.ts';
import { describeConfigs } from './32_describe_configs.ts';
import { alterConfigs } from './33_alter_configs.ts';
import { saslAuthenticate } from './36_sasl_authenticate.ts';
import { createPartitions } from './37_create_partitions.ts';
import { deleteGroups } from './42_delete_groups.ts';
import { electLeaders } from './43_elect_leaders.ts';
import { describeClientQuotas } from './48_describe_client_quotas.ts';
import { describeUserScramCredentials } from './50_describe_user_scram_credentials.ts';
import { alterUserScramCredentials } from './51_alter_user_scram_credentials.ts';

export const ALL_APIS: readonly Api[] = [produce, fetch, listOffsets, metadata, offsetCommit, offsetFetch, findCoordinator, joinGroup, heartbeat, leaveGroup, syncGroup, describeGroups, listGroups, saslHandshake, apiVersions, createTopics, deleteTopics, deleteRecords, initProducerId, addPartitionsToTxn, addOffsetsToTxn, endTxn, txnOffsetCommit, describeAcls, createAcls, deleteAcls, describeConfigs, alterConfigs, saslAuthenticate, createPartitions, deleteGroups, electLeaders, describeClientQuotas, describeUserScramCredentials, alterUserScramCredentials];

export const API_BY_KEY: ReadonlyMap<number, Api> = new Map(ALL_APIS.map((api) => [api.key, api]));
