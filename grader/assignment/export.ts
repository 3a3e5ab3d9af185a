// `kafka-lab assignment export`: per group the accepted count, the first success and the proof the
// course asked for (timestamp, txid, checksum of the first accepted result), as
//
//   csv         one row per group
//   gradescope  one row per member (Name, Email, Score): Gradescope's "import scores" CSV
//   json        everything, every group's proofs included

import { stringify } from 'csv-stringify/sync';
import { ranked, refusedCount, scoreboard, type GroupScore } from './scoreboard.ts';
import type { AssignmentConfig } from './state.ts';
import type { AssignmentStore, Proof } from './store.ts';

export const EXPORT_FORMATS = ['csv', 'gradescope', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** Scores above this are capped (gradescope): "N accepted transactions are full marks". */
  target?: number;
}

export interface ExportResult {
  text: string;
  /** Things the TA should know (members without an e-mail address for Gradescope). */
  warnings: string[];
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

export function exportAssignment(config: AssignmentConfig, store: AssignmentStore, { format, target }: ExportOptions): ExportResult {
  const groups = ranked(scoreboard(config, store).groups);
  const first = (g: GroupScore): Proof | undefined => (g.accepted > 0 ? store.proofs(g.vid)[0] : undefined);
  if (format === 'json') return { text: `${JSON.stringify(jsonExport(config, store, groups), null, 2)}\n`, warnings: [] };
  if (format === 'csv') {
    const rows = groups.map((g) => {
      const proof = first(g);
      return [g.name, g.vid, g.members.join('; '), g.submitted, g.accepted, refusedCount(g), iso(g.firstSuccess), iso(g.lastSeen), proof?.timestamp ?? '', proof?.txid ?? '', proof?.checksum ?? ''];
    });
    const header = ['group', 'vid', 'members', 'submitted', 'accepted', 'refused', 'first_success', 'last_seen', 'proof_timestamp', 'proof_txid', 'proof_checksum'];
    return { text: stringify([header, ...rows]), warnings: [] };
  }
  const warnings: string[] = [];
  const rows: (string | number)[][] = [];
  for (const g of groups) {
    const group = config.groups.find((x) => x.vid === g.vid)!;
    const score = target === undefined ? g.accepted : Math.min(g.accepted, target);
    for (const member of group.members) {
      if (!member.email) warnings.push(`group "${g.name}": member "${member.text}" has no e-mail address, and Gradescope matches students by Email`);
      rows.push([member.name ?? member.email ?? member.text, member.email ?? '', score, g.name, g.vid]);
    }
  }
  return { text: stringify([['Name', 'Email', 'Score', 'Group', 'Vid'], ...rows]), warnings };
}

function jsonExport(config: AssignmentConfig, store: AssignmentStore, groups: GroupScore[]) {
  return {
    assignment: config.id,
    exportedAt: new Date().toISOString(),
    deadline: config.deadline ?? null,
    groups: groups.map((g) => {
      const proofs = g.accepted > 0 ? store.proofs(g.vid) : [];
      return {
        name: g.name,
        vid: g.vid,
        members: g.members,
        submitted: g.submitted,
        accepted: g.accepted,
        refused: g.refused,
        firstSuccess: g.firstSuccess === undefined ? null : iso(g.firstSuccess),
        lastSeen: g.lastSeen === undefined ? null : iso(g.lastSeen),
        proof: proofs[0] ?? null,
        proofs,
      };
    }),
  };
}
