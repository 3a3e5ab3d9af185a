// Tests that need a container runtime (the testcontainers provider). Without one they are skipped
// with a printed notice; with REQUIRE_CONTAINER_RUNTIME=1 (as .ci/run sets once it has set podman
// up) a missing runtime fails instead, so CI cannot pass green by testing nothing.

import { describe, it } from 'vitest';
import { chooseSandbox, SandboxUnavailable, type SandboxChoice } from '../../grade/sandbox/submission-sandbox.ts';
import { testcontainers } from '../../providers/index.ts';

export const containerRuntimeRequired = ['1', 'true'].includes((process.env.REQUIRE_CONTAINER_RUNTIME ?? '').toLowerCase());

const missing = await testcontainers.unavailable();

export function describeWithContainers(title: string, body: () => void): void {
  const skip = missing !== undefined && !containerRuntimeRequired;
  if (skip) console.warn(`[kafka-lab] skipping "${title}" (set REQUIRE_CONTAINER_RUNTIME=1 to fail instead): ${missing}`);
  describe.skipIf(skip)(title, () => {
    if (missing) {
      it('has a container runtime (required when REQUIRE_CONTAINER_RUNTIME=1)', () => {
        throw new Error(`REQUIRE_CONTAINER_RUNTIME=1 but ${missing}`);
      });
      return;
    }
    body();
  });
}

/** The container sandbox (`--sandbox container`) here, or why not: skipped, or failed with REQUIRE_CONTAINER_RUNTIME=1. */
export function describeWithContainerSandbox(title: string, body: (choice: SandboxChoice) => void): void {
  let choice: SandboxChoice | undefined;
  let problem: string | undefined;
  try {
    choice = chooseSandbox('container');
  } catch (error) {
    if (!(error instanceof SandboxUnavailable)) throw error;
    problem = error.message;
  }
  const skip = !choice && !containerRuntimeRequired;
  if (skip) console.warn(`[kafka-lab] skipping "${title}" (set REQUIRE_CONTAINER_RUNTIME=1 to fail instead): ${problem}`);
  describe.skipIf(skip)(title, () => {
    if (!choice) {
      it('has a container sandbox (required when REQUIRE_CONTAINER_RUNTIME=1)', () => {
        throw new Error(`REQUIRE_CONTAINER_RUNTIME=1 but ${problem}`);
      });
      return;
    }
    body(choice);
  });
}
