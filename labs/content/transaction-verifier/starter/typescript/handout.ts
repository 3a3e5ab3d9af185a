// Your group's handout — vid, token, where the assignment's server is, how to log in, the topics,
// your consumer group and transactional id — read from verifier.json at the root of the workspace
// ($VERIFIER_HANDOUT names another file). The lab writes the practice server's handout there; for
// your TA's server, save the TA's handout there instead: nothing else changes. Given.
import fs from 'node:fs';
import avro from 'avsc';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { inWorkspace } from './workspace.ts';

export interface Handout {
  vid: string;
  /** Secret: signs your submissions. */
  token: string;
  /** host:port,... of the brokers the server uses. */
  bootstrap: string;
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null;
  topics: { transaction: string; submit: string; result: string };
  /** Your consumer groups and transactional ids start with this: "v001-". */
  groupPrefix: string;
  consumerGroup: string;
  transactionalId: string;
}

export interface Transaction {
  txid: string;
  payer: string;
  payee: string;
  amount: number;
}

export interface Result {
  vid: string;
  txid: string;
  code: number;
  checksum: string;
  timestamp: number;
}

const file = process.env.VERIFIER_HANDOUT || inWorkspace('verifier.json');

function readHandout(): Handout {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Handout;
  } catch (error) {
    console.error(`cannot read your handout ${file}: ${(error as Error).message}`);
    console.error('open the lab (npx kafka-lab lab transaction-verifier) to get a practice one, or save your TA\'s handout there');
    process.exit(2);
  }
}

export const handout: Handout = readHandout();

/** A kafkajs client for the assignment's cluster, logged in as your group when the handout says so. */
export function kafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: handout.bootstrap.split(','),
    logLevel: logLevel.WARN,
    ...(handout.sasl ? { sasl: handout.sasl as SASLOptions } : {}),
  });
}

const schema = (name: string) => avro.Type.forSchema(JSON.parse(fs.readFileSync(inWorkspace('schemas', name), 'utf8')));

/** The assignment's Avro types: values are their schemaless encoding. */
export const transactionType = schema('transaction.avsc');
export const submitType = schema('submit.avsc');
export const resultType = schema('result.avsc');
