// Tests that need real Apache Kafka (Java 17+, and Maven until the jars are cached). Without them
// the tests are skipped with a printed notice; with REQUIRE_REAL_KAFKA=1 (as CI sets) a missing
// prerequisite fails instead, so a CI image that lost Java cannot pass green by testing nothing.

import { describe, it } from 'vitest';
import { realKafkaUnavailable } from '../../providers/index.ts';

export const realKafkaRequired = ['1', 'true'].includes((process.env.REQUIRE_REAL_KAFKA ?? '').toLowerCase());

export function describeWithRealKafka(title: string, body: () => void): void {
  const missing = realKafkaUnavailable();
  const skip = missing !== undefined && !realKafkaRequired;
  if (skip) console.warn(`[kafka-lab] skipping "${title}" (set REQUIRE_REAL_KAFKA=1 to fail instead): ${missing}`);
  describe.skipIf(skip)(title, () => {
    if (missing) {
      it('has Java 17+ and Kafka jars (required when REQUIRE_REAL_KAFKA=1)', () => {
        throw new Error(`REQUIRE_REAL_KAFKA=1 but ${missing}`);
      });
      return;
    }
    body();
  });
}
