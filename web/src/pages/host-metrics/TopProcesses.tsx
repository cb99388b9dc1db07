import type { TopProcess } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { bytes } from '../../format';

const COLUMNS: Column<TopProcess>[] = [
  { key: 'pid', header: 'PID', className: 'num', render: (p) => p.pid },
  { key: 'user', header: 'User', className: 'nowrap', render: (p) => <span className="ellipsis cell-user">{p.user}</span> },
  { key: 'cpu', header: 'CPU', className: 'num', title: '% of one CPU since the previous poll', render: (p) => `${p.cpuPercent.toFixed(1)} %` },
  { key: 'rss', header: 'RSS', className: 'num', title: 'resident memory', render: (p) => bytes(p.rssBytes) },
  // the command line comes from the host: text only, never markup
  { key: 'command', header: 'Command', className: 'cell-proc', render: (p) => <span className="mono ellipsis" title={p.command}>{p.command}</span> },
];

export function TopProcesses({ rows, testId }: { rows: TopProcess[]; testId: string }) {
  return <DataTable testId={testId} columns={COLUMNS} rows={rows} rowKey={(p) => String(p.pid)} empty="No process list from the latest poll." />;
}
