import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobProcessor, JobQueue } from './job-queue';

const QUEUE = 'osdeck-jobs';

/**
 * Scale mode: jobs go to Redis through BullMQ and `osdeck worker` processes run them. BullMQ
 * re-delivers a job whose worker died (stalled), and the runner then resumes it from the database.
 */
export class BullMqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private queue: Queue;
  private worker: Worker | null = null;
  private connections: Redis[] = [];
  private running = new Map<string, AbortController>();

  constructor(private readonly redisUrl: string) {
    this.queue = new Queue(QUEUE, { connection: this.connection() });
  }

  private connection(): Redis {
    const c = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    c.on('error', () => {}); // surfaced through command failures; avoid unhandled 'error' crashes
    this.connections.push(c);
    return c;
  }

  async enqueue(jobId: string, attempt?: string): Promise<void> {
    // BullMQ de-duplicates by its job id: the first enqueue uses the osdeck id, a recovery a new one
    const id = attempt ? `${jobId}-${attempt}` : jobId;
    await this.queue.add('job', { jobId }, { jobId: id, removeOnComplete: 1000, removeOnFail: 1000, attempts: 1 });
  }

  startProcessing(processor: JobProcessor, concurrency: number): void {
    this.worker = new Worker(
      QUEUE,
      async (job) => {
        const id = String(job.data.jobId);
        const ctl = new AbortController();
        this.running.set(id, ctl);
        try {
          await processor(id, ctl.signal);
        } finally {
          this.running.delete(id);
        }
      },
      { connection: this.connection(), concurrency, lockDuration: 15_000, stalledInterval: 10_000, maxStalledCount: 100 },
    );
    this.worker.on('error', () => {});
  }

  async close(): Promise<void> {
    for (const ctl of this.running.values()) ctl.abort(new Error('shutdown'));
    await this.worker?.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}
