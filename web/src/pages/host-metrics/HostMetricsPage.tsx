import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api';
import type { MetricSeries } from '../../api-types';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { HostTabs } from '../../components/HostTabs';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeChart } from '../../components/TimeChart';
import { ago, byteRate, bytes, dateTimeMs, latency, num, percent, perSecond, siNumber } from '../../format';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import {
  type Fetched,
  QUERIES,
  type QueryKey,
  cpuPanel,
  diskLatencyPanel,
  diskThroughputPanel,
  diskUtilPanel,
  filesystemPanel,
  loadPanel,
  memoryPanel,
  netDropsPanel,
  netTrafficPanel,
  pressurePanel,
  timeAxis,
} from './panels';
import { RangePicker } from './RangePicker';
import { TopProcesses } from './TopProcesses';
import { autoRefreshMs, chooseStep, intervalFor, parseRange, rangeKey, rangeMs, resolveRange, stepText, widen } from './time-range';

const SYNC_KEY = 'host-metrics';
const LATEST_REFRESH_MS = 15_000;
const CHART_HEIGHT = 170;

/** What the charts show: one fetch of every query for one range and step. */
interface Bundle {
  host: string;
  key: string;
  /** counts fetches, so a test (or a person) can tell a new answer from the previous one */
  seq: number;
  from: number;
  to: number;
  step: number;
  axis: number[];
  data: Fetched;
}

/** Every query in parallel; a failed query leaves its charts empty and reports the first error. */
async function fetchAll(host: string, from: number, to: number, step: number, signal: AbortSignal): Promise<{ data: Fetched; error: unknown }> {
  const keys = Object.keys(QUERIES) as QueryKey[];
  const settled = await Promise.allSettled(keys.map((k) => api.metricSeries(host, { name: QUERIES[k], from, to, step }, { signal })));
  const data = {} as Fetched;
  let error: unknown = undefined;
  settled.forEach((r, i) => {
    const k = keys[i]!;
    data[k] = r.status === 'fulfilled' ? r.value : ([] as MetricSeries[]);
    if (r.status === 'rejected' && error === undefined) error = r.reason;
  });
  return { data, error };
}

const pctAxis = (v: number) => `${Number(v.toPrecision(3))}%`;
const pctLegend = (v: number) => percent(v, v !== 0 && Math.abs(v) < 1 ? 2 : 1);
const bytesAxis = (v: number) => bytes(v);
const rateAxis = (v: number) => (v === 0 ? '0' : byteRate(v));

function Note({ children, omitted }: { children: ReactNode; omitted?: string }) {
  return (
    <>
      {children}
      {omitted && <span className="chart-omitted"> · {omitted}</span>}
    </>
  );
}

export function HostMetricsPage() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const sel = parseRange(params);
  const key = rangeKey(sel);

  // the host (for its groups) and the collection intervals: together they give the poll interval
  const setup = useResource(async () => {
    const [host, intervals] = await Promise.all([api.host(name), api.metricsIntervals().catch(() => null)]);
    return { host, intervalSec: intervals ? intervalFor(intervals, name, host.groups) : 15 };
  }, [name]);
  const latest = useResource(() => api.metricsLatest(name), [name]);
  usePolling(() => void latest.reload(), LATEST_REFRESH_MS);

  const intervalSec = setup.data?.intervalSec ?? null;
  const step = intervalSec !== null ? chooseStep(rangeMs(sel), intervalSec) : null;
  const refreshMs = step !== null ? autoRefreshMs(sel, step) : null;

  const [tick, setTick] = useState(0);
  usePolling(() => setTick((t) => t + 1), refreshMs ?? 60_000, refreshMs !== null);

  const [bundle, setBundle] = useState<Bundle | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    setBundle(null);
    setError(undefined);
  }, [name]);

  useEffect(() => {
    if (step === null) return;
    const ctrl = new AbortController();
    const { from, to } = resolveRange(parseRange(params), Date.now());
    setLoading(true);
    fetchAll(name, from, to, step, ctrl.signal)
      .then(({ data, error: err }) => {
        if (ctrl.signal.aborted) return;
        setBundle((prev) => ({ host: name, key, seq: (prev?.seq ?? 0) + 1, from, to, step, axis: timeAxis(from, to, step), data }));
        setError(err);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(err);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
    // `key` stands for the range in `params`; `tick` is the auto-refresh
  }, [name, key, step, tick]);

  const onSelectRange = useCallback(
    (from: number, to: number) => {
      const w = widen(from, to);
      setParams({ from: String(w.from), to: String(w.to) });
    },
    [setParams],
  );

  const panels = useMemo(() => {
    if (!bundle) return null;
    const { data: d, axis } = bundle;
    const cpu = cpuPanel(d.cpu, axis);
    const disk = diskThroughputPanel(d, axis);
    const net = netTrafficPanel(d, axis);
    return {
      cpu,
      memory: memoryPanel(d, axis),
      load: loadPanel(d, axis, cpu.cpus),
      pressure: pressurePanel(d, axis),
      disk,
      diskLatency: diskLatencyPanel(d, axis, disk.devices),
      diskUtil: diskUtilPanel(d, axis, disk.devices),
      fs: filesystemPanel(d, axis),
      net,
      netDrops: netDropsPanel(d, axis, net.devices),
    };
  }, [bundle]);

  const crumbs = (
    <>
      <Link to="/hosts">Hosts</Link> / <Link to={`/hosts/${encodeURIComponent(name)}`}>{name}</Link> /
    </>
  );

  if (setup.error instanceof ApiError && setup.error.status === 404) {
    return (
      <>
        <PageHeader title={`${name} metrics`} crumbs={crumbs} />
        <ErrorBanner error={setup.error} />
      </>
    );
  }

  const l = latest.data;
  const up = l?.up ?? null;
  const memTotal = l?.samples.find((s) => s.name === 'node_memory_MemTotal_bytes')?.value;
  const shown = bundle && bundle.host === name ? bundle : null;
  const pollNote = l?.ts != null && (
    <span className={up === false ? 'bad-text small' : 'muted small'} title={dateTimeMs(l.ts)}>
      {up === false ? 'last successful poll' : 'latest poll'} {dateTimeMs(l.ts).slice(11)}
    </span>
  );
  const xRange: [number, number] = shown ? [shown.from, shown.to] : [0, 1];
  const common = { ts: shown?.axis ?? [], xRange, syncKey: SYNC_KEY, height: CHART_HEIGHT, onSelectRange };

  return (
    <div className="host-metrics" data-testid="host-metrics" data-selected={key} data-range={shown?.key} data-seq={shown?.seq} data-from={shown?.from} data-to={shown?.to} data-step={shown?.step} data-loading={loading ? 'true' : 'false'}>
      <PageHeader
        crumbs={crumbs}
        title={
          <>
            {name} <span className="title-suffix">metrics</span>
            {up === false ? (
              <span className="badge badge-bad" data-status="down">
                DOWN
              </span>
            ) : up === true ? (
              <StatusBadge status="up" />
            ) : null}
          </>
        }
        subtitle={
          <span className="summary">
            {intervalSec !== null && <span>polled every {intervalSec} s</span>}
            {l?.ts != null && <span title={dateTimeMs(l.ts)}>last sample {ago(new Date(l.ts).toISOString())}</span>}
            {panels && panels.cpu.cpus > 0 && <span>{panels.cpu.cpus} CPUs</span>}
            {memTotal !== undefined && <span>{bytes(memTotal)} memory</span>}
          </span>
        }
        actions={
          <Link className="btn" to={`/reports/compare?selector=${encodeURIComponent(name)}`} title="compare every metric of this host in two time windows">
            Compare before/after
          </Link>
        }
      />
      <HostTabs host={name} />
      <ErrorBanner error={setup.error} title="Could not load the host" />
      {up === false && (
        <div className="banner banner-error" role="status">
          <span>
            <strong>DOWN:</strong> the last metrics poll of {name} failed. The charts break where no sample was taken; they never show missing data as zero.
          </span>
        </div>
      )}
      {l && l.errors.length > 0 && (
        <Notice kind="warning">
          <strong>The probe reported:</strong>
          <ul className="probe-errors">
            {l.errors.map((e, i) => (
              <li key={i} className="mono">
                {e}
              </li>
            ))}
          </ul>
        </Notice>
      )}

      <RangePicker
        sel={sel}
        shownFrom={shown?.from}
        shownTo={shown?.to}
        onPreset={(k) => setParams({ range: k })}
        onCustom={(from, to) => setParams({ from: String(from), to: String(to) })}
        info={
          <>
            {step !== null && (
              <span className="muted" title="query step: one point per step, at most about 600 per series">
                step {stepText(step)} · {shown?.axis.length ?? '…'} points
              </span>
            )}
            <span className={refreshMs !== null ? 'live' : 'muted'}>{refreshMs !== null ? `auto-refresh ${refreshMs / 1000} s` : 'no auto-refresh'}</span>
            {loading && <span className="muted">loading…</span>}
            <button type="button" className="btn btn-small" onClick={() => setTick((t) => t + 1)} disabled={loading || step === null}>
              Refresh
            </button>
          </>
        }
      />
      <ErrorBanner error={error} title="Some metrics could not be loaded" />

      {!panels ? (
        !error && <Loading what="metrics" />
      ) : (
        <div className="chart-grid">
          <TimeChart
            {...common}
            testId="chart-cpu"
            title="CPU by mode"
            note="% of all CPU time, summed over CPUs (idle is the space above)"
            series={panels.cpu.series}
            stacked
            yMax={100}
            format={pctLegend}
            axisFormat={pctAxis}
          />
          <TimeChart
            {...common}
            testId="chart-memory"
            title="Memory"
            note="stacked up to MemTotal: used = total − free − buffers − cached − slab"
            series={panels.memory.series}
            stacked
            binaryAxis
            format={bytes}
            axisFormat={bytesAxis}
          />
          <TimeChart {...common} testId="chart-load" title="Load average" note="1, 5 and 15 minutes; dashed: number of CPUs" series={panels.load.series} format={(v) => num(v, 2)} axisFormat={(v) => siNumber(v)} ySoftMax={1} />
          <TimeChart {...common} testId="chart-pressure" title="Pressure (PSI some)" note="% of time at least one task waited for CPU, memory or I/O" series={panels.pressure.series} format={pctLegend} axisFormat={pctAxis} ySoftMax={1} />
          <TimeChart
            {...common}
            testId="chart-disk-throughput"
            title="Disk throughput"
            note={<Note omitted={panels.disk.omitted}>bytes/s per disk; dashed: write</Note>}
            series={panels.disk.series}
            binaryAxis
            format={byteRate}
            axisFormat={rateAxis}
            emptyText="No disk statistics in this range"
          />
          <TimeChart
            {...common}
            testId="chart-disk-latency"
            title="Disk latency"
            note="time per completed I/O = rate(read_time) / rate(reads); breaks where the disk did no I/O"
            series={panels.diskLatency.series}
            format={latency}
            axisFormat={latency}
            emptyText="No completed I/O in this range"
          />
          <TimeChart {...common} testId="chart-disk-util" title="Disk utilization" note="% of time the disk was busy = rate(io_time)" series={panels.diskUtil.series} format={pctLegend} axisFormat={pctAxis} ySoftMax={10} />
          <TimeChart
            {...common}
            testId="chart-filesystems"
            title="Filesystem usage"
            note={<Note omitted={panels.fs.omitted}>(size − available) / size per mount</Note>}
            series={panels.fs.series}
            yMax={100}
            format={pctLegend}
            axisFormat={pctAxis}
          />
          <TimeChart
            {...common}
            testId="chart-network"
            title="Network traffic"
            note={<Note omitted={panels.net.omitted}>bytes/s per interface; dashed: transmit</Note>}
            series={panels.net.series}
            binaryAxis
            format={byteRate}
            axisFormat={rateAxis}
          />
          <TimeChart {...common} testId="chart-network-drops" title="Network drops" note="packets/s dropped; dashed: transmit" series={panels.netDrops.series} format={perSecond} axisFormat={(v) => siNumber(v)} ySoftMax={1} />
        </div>
      )}

      <div className="grid-2 top-procs">
        <Panel title="Top processes by CPU" actions={pollNote}>
          {l ? <TopProcesses rows={l.topByCpu} testId="top-cpu" /> : <Loading />}
        </Panel>
        <Panel title="Top processes by memory (RSS)" actions={pollNote}>
          {l ? <TopProcesses rows={l.topByRss} testId="top-rss" /> : <Loading />}
        </Panel>
      </div>
      <ErrorBanner error={latest.error} title="Could not load the latest values" />
    </div>
  );
}
