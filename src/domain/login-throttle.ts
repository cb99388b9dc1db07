/**
 * Login rate limit: after `maxFailures` failures for a key (user name or client address) within
 * `windowMs`, further attempts are refused until the window passes. Pure: the caller passes time.
 */
export class LoginThrottle {
  private failures = new Map<string, number[]>();
  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(keys: string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, Math.ceil((recent[0]! + this.windowMs - nowMs) / 1000));
    }
    return wait;
  }

  fail(keys: string[], nowMs: number): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, nowMs), nowMs]);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
  }
}
