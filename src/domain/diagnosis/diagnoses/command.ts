import { OsdeckError } from '../../errors';
import { outputText } from '../../terminal-text';
import { deniedBy } from '../command-deny-list';
import type { Diagnosis } from '../diagnosis';
import { parseSections, section } from '../probe-sections';
import { makeReport } from '../report-kit';

const MAX_LINES = 2000;

/** Checks the command before a job is created: empty, or destructive without confirm, is refused. */
export function checkDiagnosisCommand(command: string, confirm: boolean): void {
  if (!command.trim()) throw new OsdeckError('EMPTY_COMMAND', 'command: no command given', 400);
  const hits = deniedBy(command);
  if (hits.length && !confirm) {
    throw new OsdeckError(
      'COMMAND_DENIED',
      `command refused: ${hits.map((h) => h.why).join('; ')}. If you really mean it, run again with confirm=true (it is audited).`,
      403,
      { rules: hits.map((h) => h.id) },
    );
  }
}

export const commandDiagnosis: Diagnosis = {
  id: 'command',
  title: 'Command diagnosis',
  category: 'command',
  description: 'Runs your command on the selected hosts and shows its output, exit code and duration. Operators and admins only; every run is audited; destructive commands (mkfs, rm -rf /, reboot, …) are refused unless confirmed.',
  permission: 'host.exec',
  params: [
    { name: 'command', type: 'string', required: true, maxLength: 65536, description: 'the shell command (run with sh -c, stdin from /dev/null)' },
    { name: 'timeoutSec', type: 'integer', min: 1, max: 3600, default: 60, description: 'stop the command after this many seconds' },
    { name: 'confirm', type: 'boolean', default: false, description: 'run even though the command matches the destructive-command list' },
  ],
  probe(p) {
    checkDiagnosisCommand(String(p.command), p.confirm === true);
    return { file: 'diag-command.sh', env: { OSDECK_COMMAND: String(p.command), OSDECK_TIMEOUT: String(p.timeoutSec) }, timeoutSec: Number(p.timeoutSec) + 15, maxOutputBytes: 4 * 1024 * 1024 };
  },
  analyze(raw, ctx) {
    const s = parseSections(raw, ctx.mark);
    const status = /exit=(-?\d+)\s+ms=(\d+)(?:\s+timeout=(\d))?/.exec(section(s, 'status'));
    if (!status) throw new Error('command probe printed no status section');
    const exit = Number(status[1]);
    const ms = Number(status[2]);
    const timedOut = status[3] === '1';
    const out = outputText(Buffer.from(section(s, 'stdout'), 'utf8'));
    const err = outputText(Buffer.from(section(s, 'stderr'), 'utf8'));
    const outLines = out.text.split('\n');
    if (outLines.at(-1) === '') outLines.pop();
    const errLines = err.text.split('\n');
    if (errLines.at(-1) === '') errLines.pop();
    const ok = exit === 0 && !timedOut;
    const cmd = String(ctx.params.command);
    const short = cmd.length > 80 ? `${cmd.slice(0, 77)}…` : cmd;
    return makeReport({
      kind: 'diagnosis:command',
      title: `Command on ${ctx.host}`,
      now: ctx.now,
      conclusion: timedOut
        ? `"${short}" was stopped after ${ctx.params.timeoutSec} s on ${ctx.host}.`
        : `"${short}" exited ${exit} on ${ctx.host} in ${ms} ms with ${outLines.length} line(s) of output${errLines.length ? ` and ${errLines.length} on stderr` : ''}.`,
      severity: ok ? 'ok' : 'medium',
      findings: [
        { severity: ok ? 'ok' : 'medium', summary: timedOut ? `timed out after ${ctx.params.timeoutSec} s` : `exit code ${exit}`, detail: `${ms} ms` },
        ...(ctx.params.confirm === true && deniedBy(cmd).length ? [{ severity: 'info' as const, summary: `ran with confirm=true although it matches: ${deniedBy(cmd).map((r) => r.why).join('; ')}` }] : []),
      ],
      tables: [
        { title: 'Output', columns: ['#', 'stdout'], rows: outLines.slice(0, MAX_LINES).map((l, i) => [i + 1, l]) },
        ...(errLines.length ? [{ title: 'Errors', columns: ['#', 'stderr'], rows: errLines.slice(0, MAX_LINES).map((l, i) => [i + 1, l]) }] : []),
      ],
      recommendations: [],
      evidence: { command: cmd, exitCode: exit, durationMs: ms, timedOut, stdout: out.text, stderr: err.text, binary: out.binary || err.binary },
    });
  },
};
