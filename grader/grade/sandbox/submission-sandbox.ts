// Which sandbox a grading run uses (`--sandbox auto|container|namespaces|limits`), and the
// sandbox of one submission: every program of it runs through `run`, whichever it is, with the
// same SandboxRun — limits, reasons, Ctrl-C — so grading does not know the difference.
//   container:  a container per submission (container.ts), each program in it in namespaces of
//               its own (agent.ts); needs a container runtime that answers and root.
//   namespaces: each program in fresh namespaces on the host (sandbox.ts, inside.js); needs root.
//   limits:     rlimits, a process group and the wall clock only.
// auto: a container per submission when a runtime answers the probe and we are root, else
// namespaces as root, else limits ($KAFKA_LAB_SANDBOX may name another). Only the container hides
// the host's files; it costs about a second a submission on the whole machine, 2-3.5 s in the
// issue's half-CPU budget (BENCHMARKS.md): the price of what the TA asked for.

import { probeContainerRuntime, startSubmissionContainer, type ContainerRuntime } from './container.ts';
import { runSandboxed, sandboxKind, type SandboxLimits, type SandboxRun, type SandboxSpec } from './sandbox.ts';

export const SANDBOX_MODES = ['auto', 'container', 'namespaces', 'limits'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export interface SandboxChoice {
  kind: 'container' | 'namespaces' | 'limits';
  /** For reports: which, and why when it is not the one asked for. */
  description: string;
  /** Network and files isolated (container or namespaces). */
  isolated: boolean;
  runtime?: ContainerRuntime;
}

export class SandboxUnavailable extends Error {}

/** The sandbox for `mode` here, or SandboxUnavailable when that mode was asked for by name and cannot be had. */
export function chooseSandbox(asked: SandboxMode = 'auto'): SandboxChoice {
  // $KAFKA_LAB_SANDBOX stands in for auto (a wrapper script, CI): the same names as --sandbox.
  const fromEnv = process.env.KAFKA_LAB_SANDBOX as SandboxMode | undefined;
  const mode = asked === 'auto' && fromEnv && SANDBOX_MODES.includes(fromEnv) ? fromEnv : asked;
  const host = sandboxKind();
  if (mode === 'limits') return { kind: 'limits', isolated: false, description: 'limits only (--sandbox limits: rlimits, process group, wall clock; network and files not isolated)' };
  if (mode === 'container') {
    if (!host.isolated) throw new SandboxUnavailable(`--sandbox container needs root (the agent sets up each program's namespaces): ${host.description}`);
    const { runtime, problem } = probeContainerRuntime();
    if (!runtime) throw new SandboxUnavailable(`--sandbox container: no container runtime answered (${problem})`);
    return containerChoice(runtime, host.description);
  }
  if (mode === 'namespaces' && !host.isolated) throw new SandboxUnavailable(`--sandbox namespaces needs root and unshare: ${host.description}`);
  if (mode === 'auto' && host.isolated) {
    const { runtime, problem } = probeContainerRuntime();
    if (runtime) return containerChoice(runtime, host.description);
    return { kind: 'namespaces', isolated: true, description: `${host.description} (no container: ${problem})` };
  }
  return { kind: host.isolated ? 'namespaces' : 'limits', isolated: host.isolated, description: host.description };
}

function containerChoice(runtime: ContainerRuntime, inside: string): SandboxChoice {
  return { kind: 'container', isolated: true, runtime, description: `container (${runtime.cli} ${runtime.version}, ${runtime.oci}) per submission: only /usr, /etc, the interpreter and its own folder inside, no network, its programs in it in ${inside}` };
}

export interface SubmissionSandbox {
  /** The container's name, when it is one. */
  name?: string;
  run(spec: SandboxSpec): Promise<SandboxRun>;
  /** Ends what is left (the container, with everything in it). */
  close(): Promise<void>;
}

export interface SubmissionSetup {
  /** The submission's folder: every program's work dir is inside it. */
  workDir: string;
  /** What its programs need to see (interpreter prefix, venv, node_modules). */
  expose: string[];
  /** What they must not (the class, the output, other submissions, tokens). */
  hide: string[];
  limits: SandboxLimits;
}

export async function openSandbox(choice: SandboxChoice, setup: SubmissionSetup): Promise<SubmissionSandbox> {
  if (choice.kind === 'container') return startSubmissionContainer(choice.runtime!, setup);
  const isolate = choice.kind === 'namespaces';
  return { run: (spec) => runSandboxed(spec, { isolate }), close: async () => {} };
}
