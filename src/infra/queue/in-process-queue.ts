import type { JobProcessor, JobQueue } from './job-queue';

/** The embedded default: jobs run in the server process, at most `concurrency` at a time. */
export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private pending: string[] = [];
  private running = new Map<string, { ctl: AbortController; done: Promise<void> }>();
  private processor: JobProcessor | null = null;
  private concurrency = 1;
  private closed = false;

  async enqueue(jobId: string, _attempt?: string): Promise<void> {
    if (this.pending.includes(jobId) || this.running.has(jobId)) return;
    this.pending.push(jobId);
    this.pump();
  }

  startProcessing(processor: JobProcessor, concurrency: number): void {
    this.processor = processor;
    this.concurrency = concurrency;
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.processor && this.running.size < this.concurrency && this.pending.length) {
      const id = this.pending.shift()!;
      const ctl = new AbortController();
      const done = this.processor(id, ctl.signal)
        .catch(() => {})
        .finally(() => {
          this.running.delete(id);
          this.pump();
        });
      this.running.set(id, { ctl, done });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    for (const r of this.running.values()) r.ctl.abort(new Error('shutdown'));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
