import { kvGet, kvSet } from '../rule-kit';
import type { DiagnosisParams } from '../../diagnosis/diagnosis';
import type { TuneFacts, TuneRule } from '../tuning';

const EL = '/etc/locale.conf';
const DEBIAN = '/etc/default/locale';

const norm = (l: string) => l.toLowerCase().replace(/utf-8$/, 'utf8');

function fileFor(f: TuneFacts): string {
  return f.os.family === 'debian' ? DEBIAN : EL;
}

/** The locale to set: the one asked for when installed; for the default, C.UTF-8 where en_US is not installed. */
function choose(f: TuneFacts, p: DiagnosisParams): string | null {
  const installed = new Set((f.commands.get('locale-a')?.out ?? '').split('\n').map((l) => norm(l.trim())).filter(Boolean));
  const want = String(p.lang);
  if (installed.has(norm(want))) return want;
  if (want === 'en_US.UTF-8' && installed.has('c.utf8')) return 'C.UTF-8';
  return null;
}

const rule: TuneRule = {
  id: 'locale-utf8',
  title: 'the system locale is UTF-8',
  category: 'system',
  rationale:
    'Without a UTF-8 LANG, services and scripts mangle non-ASCII file names, logs and database text (Chinese and Japanese text in particular). Only a locale that is installed is set; otherwise the remediation says which package adds it.',
  risk: 'low',
  families: ['el', 'debian'],
  params: [{ name: 'lang', type: 'string', default: 'en_US.UTF-8', pattern: '[A-Za-z]{1,3}(_[A-Z]{2})?\\.(UTF-8|utf8)', description: 'the UTF-8 locale to use (en_US.UTF-8 falls back to C.UTF-8 when en_US is not installed)' }],
  reads: { files: [EL, DEBIAN], commands: ['locale-a'] },
  remediation: 'EL: dnf install glibc-langpack-en; localectl set-locale LANG=en_US.UTF-8. Debian: echo en_US.UTF-8 UTF-8 >> /etc/locale.gen; locale-gen; update-locale LANG=en_US.UTF-8',
  check(f, p) {
    const path = fileFor(f);
    const file = f.files.get(path);
    if (file?.exists && file.content === null) return { status: 'error', current: `${path}: ${file.unreadable}`, expected: '-', fixable: false };
    const lang = kvGet(file?.content ?? '', 'LANG');
    const ok = !!lang && /\.utf-?8$/i.test(lang);
    const pick = choose(f, p);
    return {
      status: ok ? 'pass' : 'fail',
      current: lang ? `LANG=${lang} (${path})` : `no LANG in ${path}`,
      expected: 'a UTF-8 LANG',
      fixable: !!pick,
      ...(!pick && !ok && { detail: `${String(p.lang)} is not installed on the host` }),
    };
  },
  fix(f, p) {
    const path = fileFor(f);
    return [{ kind: 'file', path, content: kvSet(f.files.get(path)?.content ?? '', 'LANG', choose(f, p)!), mode: '644' }];
  },
};
export default rule;
