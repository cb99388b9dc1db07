/**
 * A process command line fit to show in a report: printable, bounded, and with the values of
 * password-like arguments masked. Command lines often carry secrets (mysql -pXXX, --token=…,
 * DB_PASSWORD=… in an env wrapper, JSON with "…_KEY": "…"), and reports are stored and exported.
 */
import { printable } from '../../metrics/proc-tokens';

const SECRET_WORD = '(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key|auth|credentials?|session[-_]?key|[a-z0-9]*_key)';
const MASK = '***';

// --password=xx, password=xx, DB_PASSWORD=xx, "api_key": "xx", user:pass@host in URLs
const ASSIGN = new RegExp(`((?:^|[\\s{,;"'])-{0,2}[a-z0-9_.-]*${SECRET_WORD}[a-z0-9_.-]*"?\\s*[=:]\\s*"?)([^\\s",}]+)`, 'gi');
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;
// --password xx / -p xx (separate argument)
const FLAG_THEN_VALUE = new RegExp(`((?:^|\\s)--?[a-z0-9_.-]*${SECRET_WORD}[a-z0-9_.-]*\\s+)([^\\s-][^\\s]*)`, 'gi');
// mysql-style -pSECRET
const MYSQL_P = /((?:^|\s)(?:mysql|mysqldump|mysqladmin|mariadb)\b.*?\s-p)([^\s]+)/i;

export function safeCmdline(raw: string, max = 200): string {
  let s = printable(raw.replace(/\s+/g, ' ').trim(), 2048);
  s = s.replace(URL_CREDENTIALS, `$1${MASK}$3`).replace(ASSIGN, `$1${MASK}`).replace(FLAG_THEN_VALUE, `$1${MASK}`).replace(MYSQL_P, `$1${MASK}`);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
