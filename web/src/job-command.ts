import type { Job } from './api-types';

/** The command an exec job runs, or the job type for other kinds of job. */
export function jobCommand(j: Job): string {
  const c = j.params.command;
  return typeof c === 'string' ? c : j.type;
}
