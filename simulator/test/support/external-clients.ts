// What a missing external client (simulator/testkit/external-clients.ts) means for a test file:
// locally its tests are skipped with a printed reason; in CI (CI=true) they fail, so a CI image
// that lost a client cannot pass green by testing nothing.

import { describe, it } from 'vitest';
import type { ExternalClient } from '../../testkit/external-clients.ts';

const inCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/**
 * `describe` for tests that need an external client: skipped with a message when it is missing,
 * except in CI, where a single failing test says what is missing.
 */
export function describeWithClient(client: ExternalClient, title: string, body: (command: string) => void): void {
  const skip = !client.command && !inCI;
  if (skip) console.warn(`[kafka-lab] skipping "${title}": ${client.detail}`);
  describe.skipIf(skip)(title, () => {
    if (!client.command) {
      it(`has ${client.name} installed (required when CI=true)`, () => {
        throw new Error(`CI=true but ${client.detail}`);
      });
      return;
    }
    body(client.command);
  });
}
