// A token bucket per vid: `burst` submissions at once, refilled at `perSecond`. Time is the
// submission's own (the broker's append time on the submit topic), not the server's clock, so a
// backlog read after a restart is judged as it was sent, and the same records give the same 429s.

export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new Error(`a rate limit needs perSecond > 0 and burst ≥ 1, not ${JSON.stringify(limit)}`);
    this.#limit = limit;
  }

  /** Takes one submission's token for `key` at time `at` (ms); false when the bucket is empty. */
  take(key: string, at: number): boolean {
    const { perSecond, burst } = this.#limit;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at };
    // Submissions may come a little out of time order across partitions: never refill backwards.
    const elapsed = Math.max(0, at - bucket.at);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * perSecond) / 1000);
    bucket.at = Math.max(bucket.at, at);
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
