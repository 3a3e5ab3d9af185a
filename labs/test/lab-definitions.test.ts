// Lab content is data: the course's labs load and are complete, and a lab with mistakes is refused
// with every problem named where it is — what an instructor writing a lab relies on.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COURSE_SCHEMAS_DIR, parseSchemaFile, SchemaLibrary } from '../checks/avro-schemas.ts';
import { fileFor, LANGUAGES } from '../engine/lab-definition.ts';
import { findLab, LabDefinitionError, loadLab, loadLabs } from '../engine/load.ts';
import { LAB_SCHEMA_FILE, labJsonSchemaText } from '../engine/lab-schema.ts';
import { z } from 'zod';
import { programFiles, writeLab } from './support/tiny-lab.ts';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof LabDefinitionError) return error.problems;
    throw error;
  }
  throw new Error('the lab loaded');
}

describe('the course labs', () => {
  it('load in order, each step with text, checks, and its programs in both languages', () => {
    const labs = loadLabs();
    expect(labs.map((l) => l.id)).toEqual(['producer-consumer', 'avro', 'consumer-groups', 'delivery-semantics', 'pipelines', 'transaction-verifier']);
    expect(labs[0].steps.map((s) => s.id)).toEqual(['produce', 'consume', 'poll', 'replay', 'tail', 'sensor', 'file-writer']);
    expect(labs[1].steps.map((s) => s.id)).toEqual(['encode', 'sizes', 'kafka', 'evolve-add', 'evolve-remove']);
    expect(labs[2].steps.map((s) => s.id)).toEqual(['keys', 'split', 'crash', 'slow', 'idle', 'two-groups', 'coordinator']);
    expect(labs[3].steps.map((s) => s.id)).toEqual(['orders', 'at-most-once', 'at-least-once', 'effectively-once', 'exactly-once', 'acks-1', 'acks-all', 'resolved-send']);
    expect(labs[4].steps.map((s) => s.id)).toEqual(['domain-totals', 'big-file', 'compaction']);
    for (const lab of labs) {
      for (const step of lab.steps) {
        expect(step.text.length, `${lab.id}/${step.id} text`).toBeGreaterThan(200);
        expect(step.checks.length).toBeGreaterThan(0);
        expect(step.hints.length).toBeGreaterThan(0);
        for (const base of step.files) {
          for (const language of LANGUAGES) {
            const starter = fs.readFileSync(path.join(lab.dir, 'starter', language, fileFor(base, language)), 'utf8');
            const solution = fs.readFileSync(path.join(lab.dir, 'solution', language, fileFor(base, language)), 'utf8');
            expect(starter, `${lab.id}/${language}/${base}: the starter leaves work to do`).toContain('TODO');
            expect(solution).not.toContain('TODO');
          }
        }
      }
    }
  });

  it('name only schemas that exist, and the course schemas are the ones the issue lists', () => {
    const fields = (name: string) => (parseSchemaFile(path.join(COURSE_SCHEMAS_DIR, name)) as unknown as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(fields('sample.avsc')).toEqual(['key', 'value', 'timestamp']);
    expect(fields('transaction.avsc')).toEqual(['txid', 'payer', 'payee', 'amount']);
    expect(fields('submit.avsc')).toEqual(['vid', 'txid', 'signature']);
    expect(fields('result.avsc')).toEqual(['vid', 'txid', 'code', 'checksum', 'timestamp']);
    const tweets = JSON.parse(fs.readFileSync(path.join(COURSE_SCHEMAS_DIR, 'squid_tweets.avsc'), 'utf8')) as { fields: { name: string; type: unknown }[] };
    expect(tweets.fields.find((f) => f.name === 'user_location')?.type).toEqual(['null', 'string']);
    expect(tweets.fields.filter((f) => (f.type as { logicalType?: string }).logicalType === 'timestamp-millis').map((f) => f.name)).toEqual(['user_created', 'date']);

    for (const lab of loadLabs()) {
      const library = new SchemaLibrary([path.join(lab.dir, 'schemas')]);
      for (const step of lab.steps) {
        for (const check of step.checks) {
          for (const key of ['schema', 'reader']) {
            const name = (check.params as Record<string, unknown>)[key];
            if (typeof name === 'string') expect(() => library.type(name)).not.toThrow();
          }
        }
      }
    }
  });

  it('finds a lab by id, and suggests one for a near miss', () => {
    expect(findLab('avro').title).toBe('Avro');
    expect(() => findLab('producer-consumers')).toThrow('no lab "producer-consumers" (did you mean "producer-consumer"?); labs: producer-consumer, avro, consumer-groups, delivery-semantics, pipelines, transaction-verifier');
  });
});

describe("lab.json's JSON Schema", () => {
  // Committed rather than built: an instructor's editor reads it straight from the checkout or the
  // package, with nothing to run first. This test keeps it equal to what the schema library emits.
  it('is published as labs/lab.schema.json, exactly as zod emits it from the schema labs are loaded with', () => {
    expect(fs.readFileSync(LAB_SCHEMA_FILE, 'utf8'), 'labs/lab.schema.json is out of date: run `npm run lab-schema`').toBe(labJsonSchemaText());
  });

  it('is referred to by every lab, accepts every course lab and refuses a misspelt field or an unknown check', () => {
    const published = z.fromJSONSchema(JSON.parse(fs.readFileSync(LAB_SCHEMA_FILE, 'utf8')));
    for (const lab of loadLabs()) {
      const json = JSON.parse(fs.readFileSync(path.join(lab.dir, 'lab.json'), 'utf8')) as { $schema: string; steps: Record<string, unknown>[] };
      expect(path.resolve(lab.dir, json.$schema)).toBe(path.resolve(fileURLToPath(LAB_SCHEMA_FILE)));
      expect(published.safeParse(json).error?.issues, lab.id).toBeUndefined();
      const misspelt = { ...json, steps: [{ ...json.steps[0], hint: ['x'] }] };
      expect(published.safeParse(misspelt).success).toBe(false);
      const unknownCheck = { ...json, steps: [{ ...json.steps[0], checks: [{ type: 'record', topic: 'x' }] }] };
      expect(published.safeParse(unknownCheck).success).toBe(false);
    }
  });
});

describe('a lab with mistakes', () => {
  it('is refused with every problem and the path to it', () => {
    const { labDir } = writeLab(
      'broken',
      {
        id: 'broken',
        title: 'Broken',
        summary: 'Everything wrong at once.',
        cluster: { brokers: 0, groupMinSessionTimeoutMs: 9000, groupMaxSessionTimeoutMs: 8000 },
        steps: [
          { id: 'one', title: 'One', text: 'steps/missing.md', files: ['producer'], checks: [{ type: 'record', topic: 'sample' }] },
          { id: 'one', title: 'Two', text: 'steps/2.md', hint: ['misspelt'], checks: [{ type: 'records', topic: 'sample', min: 'ten', numbered: { from: 0, count: 3 } }] },
          { id: 'Three Words', title: 'Three', text: 'steps/2.md', run: [{ file: 'nowhere', ready: 'x' }], checks: [] },
        ],
      },
      { 'steps/2.md': 'text', ...programFiles('producer') },
    );
    fs.rmSync(path.join(labDir, 'solution/python/producer.py'));
    const problems = problemsOf(() => loadLab(labDir));
    expect(problems).toEqual([
      'cluster.brokers: expected a whole number from 1 to 16, got 0',
      'cluster.groupMinSessionTimeoutMs: 9000 is above groupMaxSessionTimeoutMs 8000: no consumer could join a group',
      `steps[0].text: file steps/missing.md not found in ${labDir}`,
      'steps[0].files: "producer" needs solution/python/producer.py',
      'steps[0].checks[0].type: unknown check type "record" (did you mean "records"?); known: topic-exists, records, avro-records, group-committed, file-lines, avro-file, files-by-size, client-connected, log-history, keys-in-order, group-members, group-left, faults-done, assignment-file, assignment-verdicts, topic-config, delivery, acknowledged-writes, totals-per-key, chunked-file, compacted-table',
      'steps[1].checks[0].min: expected a whole number ≥ 1, got "ten"',
      'steps[1].checks[0].numbered: needs "match" with a capture group for the number',
      'steps[1].hint: unknown field (did you mean "hints"?)',
      'steps[2].id: expected lower-case letters, digits and single dashes, like "producer-consumer", got "Three Words"',
      'steps[2].run[0].ready: only a background program has a ready line',
      'steps[2].run[0].file: no typescript/nowhere.ts in starter/ or solution/',
      'steps[2].run[0].file: no python/nowhere.py in starter/ or solution/',
      'steps[2].checks: expected at least 1 entries',
      'steps[1].id: "one" is used by an earlier step',
    ]);
  });

  it('is refused when its id is not its folder\'s name, or its lab.json is not JSON', () => {
    const { labDir } = writeLab('folder', { id: 'other', title: 'T', summary: 'S', steps: [{ id: 'a', title: 'A', text: 'a.md', checks: [{ type: 'topic-exists', topic: 't' }] }] }, { 'a.md': 'x' });
    expect(problemsOf(() => loadLab(labDir))).toEqual(['id: "other" must be the name of the lab\'s folder, "folder"']);
    const { labDir: notJson } = writeLab('json', '{ "id": "json", ');
    const [problem] = problemsOf(() => loadLab(notJson));
    expect(problem).toMatch(/JSON/);
    expect(() => loadLab(notJson)).toThrow(`${path.join(notJson, 'lab.json')} is not a valid lab:`);
  });
});
