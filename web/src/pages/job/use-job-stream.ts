import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api';
import { JOB_FINAL, type Job, type Step } from '../../api-types';

export type StreamState = 'loading' | 'live' | 'polling' | 'done';

function upsert(steps: Step[], s: Step): Step[] {
  const i = steps.findIndex((x) => x.host === s.host);
  if (i < 0) return [...steps, s];
  const next = steps.slice();
  next[i] = s;
  return next;
}

/**
 * A job and its steps, kept current: one GET, then the server-sent event stream (`job`, `step`,
 * `end`). If the stream breaks for good, it falls back to polling until the job is final.
 */
export function useJobStream(id: string) {
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [steps, setSteps] = useState<Step[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [state, setState] = useState<StreamState>('loading');
  const generation = useRef(0);

  const load = useCallback(async () => {
    const j = await api.job(id);
    const { steps: s, ...rest } = j;
    setJob(rest);
    setSteps(s);
    return rest;
  }, [id]);

  useEffect(() => {
    const gen = ++generation.current;
    const alive = () => gen === generation.current;
    let source: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    setJob(undefined);
    setSteps([]);
    setError(undefined);
    setState('loading');

    const startPolling = () => {
      setState('polling');
      poll = setInterval(async () => {
        try {
          const j = await load();
          if (alive() && JOB_FINAL.includes(j.status)) {
            clearInterval(poll);
            setState('done');
          }
        } catch (err) {
          if (alive()) setError(err);
        }
      }, 2000);
    };

    (async () => {
      try {
        const j = await load();
        if (!alive()) return;
        if (JOB_FINAL.includes(j.status)) {
          setState('done');
          return;
        }
        source = new EventSource(api.jobEventsUrl(id));
        source.onopen = () => alive() && setState('live');
        source.addEventListener('job', (e) => alive() && setJob(JSON.parse((e as MessageEvent<string>).data) as Job));
        source.addEventListener('step', (e) => alive() && setSteps((s) => upsert(s, JSON.parse((e as MessageEvent<string>).data) as Step)));
        source.addEventListener('end', (e) => {
          // the server closes the stream after `end`; closing here stops EventSource reconnecting
          source?.close();
          if (!alive()) return;
          setJob(JSON.parse((e as MessageEvent<string>).data) as Job);
          setState('done');
          // one GET so every step's final output is certainly on screen
          void load().catch(() => undefined);
        });
        source.addEventListener('error', (e) => {
          if (!alive()) return;
          const data = (e as MessageEvent<string>).data;
          if (typeof data === 'string' && data) {
            // an error the server reported inside the stream
            try {
              setError(new Error((JSON.parse(data) as { detail?: string }).detail ?? data));
            } catch {
              setError(new Error(data));
            }
          }
          if (source?.readyState === EventSource.CLOSED) {
            source.close();
            startPolling();
          }
        });
      } catch (err) {
        if (alive()) {
          setError(err);
          setState('done');
        }
      }
    })();

    return () => {
      generation.current++;
      source?.close();
      if (poll) clearInterval(poll);
    };
  }, [id, load]);

  return { job, steps, error, state, setJob, reload: load };
}
