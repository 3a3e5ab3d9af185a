// The programs the lab tests need besides Node: a Python with kafka-python (lab 1) and fastavro
// (lab 2), and tmux for driving the real screen. Same rule as the simulator's client tests: missing
// locally skips with a reason, missing in CI (CI=true) fails.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REPO_ROOT, type ExternalClient } from '../../../simulator/test/support/external-clients.ts';

/** $KAFKA_PYTHON, the repo's .venv, or python3: the first that imports every module named. */
export function findPython(modules: string[]): ExternalClient {
  const name = modules.join(' and ');
  const candidates = [process.env.KAFKA_PYTHON, `${REPO_ROOT}.venv/bin/python`, 'python3'].filter(
    (c): c is string => !!c && (!c.includes('/') || existsSync(c)),
  );
  const tried: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { name, command: python, detail: `${name} via ${python}` };
    tried.push(`${python} (${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)})`);
  }
  return { name, detail: `no Python with ${name}: tried ${tried.join(', ') || 'nothing'}; run \`python3 -m venv .venv && .venv/bin/pip install kafka-python fastavro\`` };
}

export function findTmux(): ExternalClient {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status === 0) return { name: 'tmux', command: 'tmux', detail: probe.stdout.trim() };
  return { name: 'tmux', detail: `tmux not runnable (${probe.error?.message ?? `exit ${probe.status}`}); install it with \`apt-get install tmux\`` };
}
