// A crash on purpose, for the labs that kill a program at a chosen moment (kafka-lab writes this file).
//   node lab/typescript/consumer.ts --crash-after 25
// dies right after the 25th call of crashPoint(), as kill -9 would: no finally block runs, nothing
// is committed or closed, the group is not told. Exit code 70.

const flag = process.argv.indexOf('--crash-after');
const limit = flag >= 0 ? Number(process.argv[flag + 1]) : Infinity;
let reached = 0;

/** Call once per record processed; with --crash-after N, the N-th call never returns. */
export function crashPoint(): void {
  reached++;
  if (reached >= limit) {
    process.stdout.write(`crashed on purpose after ${reached} records\n`);
    process.exit(70);
  }
}

/** The program's arguments without --crash-after N. */
export const args: string[] = process.argv.slice(2).filter((_, i, all) => all[i] !== '--crash-after' && all[i - 1] !== '--crash-after');
