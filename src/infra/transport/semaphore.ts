/** A counting semaphore with cancellable waits (FIFO). */
export class Semaphore {
  private waiters: Array<() => void> = [];
  private used = 0;
  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.used < this.limit) {
      this.used++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(signal!.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
    this.used++;
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.used--;
      this.waiters.shift()?.();
    };
  }
}
