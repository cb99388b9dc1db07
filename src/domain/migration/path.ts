/**
 * Migration paths are data (src/migration-paths/*.yaml, plus the operator's own in
 * DATA_DIR/migration-paths): which source they accept, which release packages are swapped, which
 * repositories the target uses, the kernel choices and the space minimums. Adding Rocky 8 is
 * adding one file. This module validates a parsed file and renders the target's repo file.
 */

export interface RepoDef {
  id: string;
  name: string;
  /** may contain {mirror}, $basearch and $releasever */
  baseurl: string;
  /** a repository that may be absent on a mirror (updates before the first update) */
  optional?: boolean;
  /** the signing key's URL; packages are signature-checked when it is set (unless the run says --no-gpgcheck) */
  gpgkey?: string;
}

export interface KernelChoice {
  package: string;
  summary: string;
  repo?: RepoDef;
}

export interface MigrationPath {
  id: string;
  name: string;
  method: 'distro-sync';
  source: { ids: string[]; versions: string[]; vendors: string[]; minRelease?: string; releasePackages: string[]; repoIds: string[] };
  target: {
    id: string;
    version: string;
    name: string;
    releasever: string;
    mirror: string;
    releasePackages: string[];
    repos: RepoDef[];
    vendors: string[];
  };
  kernel: { default: string; choices: Record<string, KernelChoice> };
  renames: Array<{ from: string; to: string; note?: string }>;
  removals: Array<{ name: string; reason: string }>;
  minimums: { bootMiB: number; varMiB: number; usrMiB: number; rootMiB: number; memoryMiB: number };
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const PKG = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class PathProblems {
  readonly list: string[] = [];
  add(where: string, what: string): void {
    this.list.push(`${where}: ${what}`);
  }
  str(o: Obj, key: string, where: string, re?: RegExp): string {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '') {
      this.add(`${where}.${key}`, 'must be a non-empty string');
      return '';
    }
    if (re && !re.test(v)) this.add(`${where}.${key}`, `${JSON.stringify(v)} is not allowed here (${re.source})`);
    return v;
  }
  strs(o: Obj, key: string, where: string, re?: RegExp, optional = false): string[] {
    const v = o[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      this.add(`${where}.${key}`, 'must be a list of strings');
      return [];
    }
    for (const x of v as string[]) if (re && !re.test(x)) this.add(`${where}.${key}`, `${JSON.stringify(x)} is not allowed (${re.source})`);
    return v as string[];
  }
  obj(o: Obj, key: string, where: string): Obj {
    const v = o[key];
    if (!isObj(v)) {
      this.add(`${where}.${key}`, 'must be a mapping');
      return {};
    }
    return v;
  }
  num(o: Obj, key: string, where: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      this.add(`${where}.${key}`, 'must be a number ≥ 0');
      return 0;
    }
    return v;
  }
}

function repoDef(p: PathProblems, o: unknown, where: string): RepoDef {
  if (!isObj(o)) {
    p.add(where, 'must be a mapping with id, name and baseurl');
    return { id: '', name: '', baseurl: '' };
  }
  const baseurl = p.str(o, 'baseurl', where);
  if (baseurl && !/^(https?:\/\/|file:\/\/\/|\/|\{mirror\})/.test(baseurl)) p.add(`${where}.baseurl`, 'must start with http(s)://, file:///, / or {mirror}');
  if (/[\s"'`\\]/.test(baseurl)) p.add(`${where}.baseurl`, 'must not contain spaces, quotes or backslashes');
  const gpgkey = typeof o.gpgkey === 'string' ? o.gpgkey : undefined;
  if (gpgkey !== undefined && !/^(https?:\/\/|file:\/\/\/|\{mirror\})[^\s"'`\\]+$/.test(gpgkey)) p.add(`${where}.gpgkey`, 'must be an http(s):// or file:/// URL');
  return { id: p.str(o, 'id', where, REPO_ID), name: p.str(o, 'name', where).replace(/[\r\n]/g, ' '), baseurl, ...(o.optional === true && { optional: true }), ...(gpgkey && { gpgkey }) };
}

/** Validates a parsed path file; returns the path or every problem found. */
export function validatePath(raw: unknown, origin: string): { path: MigrationPath } | { problems: string[] } {
  const p = new PathProblems();
  if (!isObj(raw)) return { problems: [`${origin}: must be a mapping`] };
  const id = p.str(raw, 'id', origin, ID);
  const name = p.str(raw, 'name', origin);
  if (raw.method !== 'distro-sync') p.add(`${origin}.method`, 'only distro-sync is supported');
  const s = p.obj(raw, 'source', origin);
  const t = p.obj(raw, 'target', origin);
  const k = p.obj(raw, 'kernel', origin);
  const m = p.obj(raw, 'minimums', origin);
  const reposRaw = t.repos;
  const repos = Array.isArray(reposRaw) ? reposRaw.map((r, i) => repoDef(p, r, `${origin}.target.repos[${i}]`)) : [];
  if (repos.length === 0) p.add(`${origin}.target.repos`, 'must list at least one repository');
  const ids = new Set<string>();
  for (const r of repos) {
    if (ids.has(r.id)) p.add(`${origin}.target.repos`, `repository id ${r.id} appears twice`);
    ids.add(r.id);
  }
  const choicesRaw = p.obj(k, 'choices', `${origin}.kernel`);
  const choices: Record<string, KernelChoice> = {};
  for (const [cid, c] of Object.entries(choicesRaw)) {
    const w = `${origin}.kernel.choices.${cid}`;
    if (!ID.test(cid)) p.add(w, 'bad choice name');
    if (!isObj(c)) {
      p.add(w, 'must be a mapping');
      continue;
    }
    choices[cid] = { package: p.str(c, 'package', w, PKG), summary: p.str(c, 'summary', w), ...(c.repo !== undefined && { repo: repoDef(p, c.repo, `${w}.repo`) }) };
  }
  const kernelDefault = p.str(k, 'default', `${origin}.kernel`);
  if (kernelDefault && !choices[kernelDefault]) p.add(`${origin}.kernel.default`, `${kernelDefault} is not one of the choices`);
  const list = <T>(v: unknown, where: string, f: (o: Obj, w: string) => T): T[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      p.add(where, 'must be a list');
      return [];
    }
    return v.map((x, i) => (isObj(x) ? f(x, `${where}[${i}]`) : (p.add(`${where}[${i}]`, 'must be a mapping'), null))).filter((x): x is T => x !== null);
  };
  const path: MigrationPath = {
    id,
    name,
    method: 'distro-sync',
    source: {
      ids: p.strs(s, 'ids', `${origin}.source`, ID),
      versions: p.strs(s, 'versions', `${origin}.source`, /^\d+$/),
      vendors: p.strs(s, 'vendors', `${origin}.source`, undefined, true),
      ...(typeof s.minRelease === 'string' && { minRelease: s.minRelease }),
      releasePackages: p.strs(s, 'releasePackages', `${origin}.source`, PKG),
      repoIds: p.strs(s, 'repoIds', `${origin}.source`, REPO_ID, true),
    },
    target: {
      id: p.str(t, 'id', `${origin}.target`, ID),
      version: p.str(t, 'version', `${origin}.target`, /^[0-9][0-9.]*$/),
      name: p.str(t, 'name', `${origin}.target`),
      releasever: p.str(t, 'releasever', `${origin}.target`, /^[0-9][0-9.]*$/),
      mirror: p.str(t, 'mirror', `${origin}.target`, /^(https?:\/\/|file:\/\/\/|\/)[^\s"'`\\]*$/),
      releasePackages: p.strs(t, 'releasePackages', `${origin}.target`, PKG),
      repos,
      vendors: p.strs(t, 'vendors', `${origin}.target`, undefined, true),
    },
    kernel: { default: kernelDefault, choices },
    renames: list(raw.renames, `${origin}.renames`, (o, w) => ({ from: p.str(o, 'from', w, PKG), to: p.str(o, 'to', w, PKG), ...(typeof o.note === 'string' && { note: o.note }) })),
    removals: list(raw.removals, `${origin}.removals`, (o, w) => ({ name: p.str(o, 'name', w, PKG), reason: p.str(o, 'reason', w) })),
    minimums: {
      bootMiB: p.num(m, 'bootMiB', `${origin}.minimums`),
      varMiB: p.num(m, 'varMiB', `${origin}.minimums`),
      usrMiB: p.num(m, 'usrMiB', `${origin}.minimums`),
      rootMiB: p.num(m, 'rootMiB', `${origin}.minimums`),
      memoryMiB: p.num(m, 'memoryMiB', `${origin}.minimums`),
    },
  };
  return p.list.length > 0 ? { problems: p.list } : { path };
}

/** The operator's choices for one run: a mirror, per-repository URL overrides, the kernel. */
export interface RepoChoice {
  mirror?: string;
  /** repo id → full baseurl, or "none" to leave an optional repository out */
  repoUrls?: Record<string, string>;
  kernel?: string;
  /** false: install unsigned packages (an explicit, audited override; the lab's packages are unsigned) */
  gpgcheck?: boolean;
}

const URL_OK = /^(https?:\/\/|file:\/\/\/|\/)[^\s"'`\\]+$/;

/** The target repositories with URLs resolved ({mirror} replaced; $basearch left to dnf/yum). */
export function resolveTargetRepos(path: MigrationPath, choice: RepoChoice): RepoDef[] {
  const mirror = (choice.mirror ?? path.target.mirror).replace(/\/+$/, '');
  if (!URL_OK.test(mirror)) throw new Error(`mirror ${JSON.stringify(mirror)} must be an http(s)://, file:/// or absolute path without spaces or quotes`);
  const overrides = choice.repoUrls ?? {};
  const kernel = path.kernel.choices[choice.kernel ?? path.kernel.default];
  if (!kernel) throw new Error(`unknown kernel choice ${JSON.stringify(choice.kernel)}; choose one of ${Object.keys(path.kernel.choices).join(', ')}`);
  const repos = [...path.target.repos, ...(kernel.repo ? [kernel.repo] : [])];
  for (const id of Object.keys(overrides)) {
    const repo = repos.find((r) => r.id === id);
    if (!repo) throw new Error(`--repo ${id}=…: ${path.id} has no repository ${id} (it has ${repos.map((r) => r.id).join(', ')})`);
    if (overrides[id] === 'none') {
      if (!repo.optional) throw new Error(`--repo ${id}=none: ${id} is required by ${path.id}; only optional repositories (${repos.filter((r) => r.optional).map((r) => r.id).join(', ') || 'none'}) can be left out`);
      continue;
    }
    if (!URL_OK.test(overrides[id]!)) throw new Error(`--repo ${id}: ${JSON.stringify(overrides[id])} must be an http(s)://, file:/// or absolute URL without spaces or quotes`);
  }
  return repos.filter((r) => overrides[r.id] !== 'none').map((r) => ({
    ...r,
    baseurl: overrides[r.id] ?? r.baseurl.replaceAll('{mirror}', mirror),
    ...(r.gpgkey && { gpgkey: r.gpgkey.replaceAll('{mirror}', mirror) }),
  }));
}

/** A repo baseurl as a fetchable URL for this machine's architecture ($basearch, $releasever). */
export function expandRepoUrl(baseurl: string, arch: string, releasever: string): string {
  return baseurl.replaceAll('$basearch', arch).replaceAll('$releasever', releasever).replaceAll('${basearch}', arch).replaceAll('${releasever}', releasever);
}

/** The .repo file osdeck writes on the host for the target (ids prefixed osdeck-). */
export function renderRepoFile(path: MigrationPath, repos: RepoDef[], gpgcheck = true): string {
  const out = [`# written by osdeck for the migration ${path.id} (${path.name}); the target's release package brings its own repo files`];
  for (const r of repos) {
    const url = r.baseurl.startsWith('/') ? `file://${r.baseurl}` : r.baseurl;
    out.push('', `[osdeck-${r.id}]`, `name=${r.name}`, `baseurl=${url}`, 'enabled=1', ...(gpgcheck && r.gpgkey ? ['gpgcheck=1', `gpgkey=${r.gpgkey}`] : ['gpgcheck=0']), `skip_if_unavailable=${r.optional ? 1 : 0}`);
  }
  return `${out.join('\n')}\n`;
}
