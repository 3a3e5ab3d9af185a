// Fails a test when anything in the process — the broker included — threw without being caught.

import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** Returns the list of crashes seen so far, for tests that check it mid-way. */
export function watchForCrashes(): readonly unknown[] {
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  beforeAll(() => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
  });
  afterAll(() => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });
  afterEach(() => {
    expect(crashes, 'uncaught exceptions or unhandled rejections in the broker process').toEqual([]);
  });
  return crashes;
}
