// tmux, which the lab tests drive the real screen with. Same rule as every external client
// (simulator/testkit/external-clients.ts finds Python with kafka-python and fastavro): missing
// locally skips with a reason, missing in CI (CI=true) fails.

import { spawnSync } from 'node:child_process';
import type { ExternalClient } from '../../../simulator/testkit/external-clients.ts';

export function findTmux(): ExternalClient {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status === 0) return { name: 'tmux', command: 'tmux', detail: probe.stdout.trim() };
  return { name: 'tmux', detail: `tmux not runnable (${probe.error?.message ?? `exit ${probe.status}`}); install it with \`apt-get install tmux\`` };
}
