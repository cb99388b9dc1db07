/** Runs a job by id; the queue decides where (this process or a worker) and how many at once. */
export type JobProcessor = (jobId: string, signal: AbortSignal) => Promise<void>;

export interface JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  /** `attempt` distinguishes a re-run (recovery) from the first enqueue, so it is not de-duplicated away. */
  enqueue(jobId: string, attempt?: string): Promise<void>;
  /** Start executing jobs in this process. */
  startProcessing(processor: JobProcessor, concurrency: number): void;
  /** Stop taking jobs; abort running ones (they are resumed or marked interrupted elsewhere). */
  close(): Promise<void>;
}
