import { finding, listed, type Finding, type MigrationCheck } from '../findings';

/** Repo ids named in dnf/yum's metadata errors. */
export function failingRepoIds(output: string): string[] {
  const ids = new Set<string>();
  for (const re of [/Failed to download metadata for repo '([^']+)'/g, /Error: Failed to synchronize cache for repo '([^']+)'/g, /failure: repodata\/repomd\.xml from ([^:\s]+)/g, /Cannot retrieve repository metadata \(repomd\.xml\) for repository: ([^.\s]+)/g, /repo '([^']+)'.*: Cannot download repomd\.xml/g]) {
    for (const m of output.matchAll(re)) ids.add(m[1]!);
  }
  return [...ids];
}

/** The host's enabled repositories answer, and the target's answer from this host. */
export const repositories: MigrationCheck = {
  id: 'repositories',
  title: 'Repositories',
  run({ facts, path, target }) {
    const out: Finding[] = [];
    const enabled = facts.repos.filter((r) => r.enabled);
    const seen = new Map<string, string[]>();
    for (const r of enabled) seen.set(r.id, [...(seen.get(r.id) ?? []), r.file]);
    for (const [id, files] of seen) {
      if (files.length > 1) out.push(finding('repositories', `dup:${id}`, 'medium', `Repository ${id} is defined twice`, `${files.join(' and ')} both define [${id}]; dnf uses one of them unpredictably.`, { hint: 'Remove one of the definitions.' }, files));
    }
    if (facts.repoCheck && facts.repoCheck.exit !== 0) {
      const failing = failingRepoIds(facts.repoCheck.output);
      const sourceIds = new Set(path.source.repoIds);
      const foreign = failing.filter((id) => !sourceIds.has(id));
      const own = failing.filter((id) => sourceIds.has(id));
      if (own.length > 0) out.push(finding('repositories', 'source-unreachable', 'info', `Source repositories unreachable: ${own.join(', ')}`, 'Expected for an end-of-life release; the migration replaces them with the target repositories.'));
      if (foreign.length > 0) {
        out.push(finding('repositories', 'unreachable', 'high', `${foreign.length} enabled repositor${foreign.length === 1 ? 'y does' : 'ies do'} not answer`, `${listed(foreign.map((id) => `${id} (${seen.get(id)?.join(', ') ?? '?'})`))}: the package transaction fails on a repository it cannot read.`, { hint: 'Fix the URL or disable the repository.', commands: foreign.map((id) => `yum-config-manager --disable ${id}   # or: dnf config-manager --set-disabled ${id}`) }, foreign));
      }
      if (failing.length === 0) out.push(finding('repositories', 'makecache', 'high', 'Repository metadata could not be loaded', facts.repoCheck.output.slice(-800), { hint: 'Run the package manager by hand and fix what it reports.', commands: [`${facts.packageManager ?? 'yum'} makecache`] }));
    }
    for (const r of target.repos) {
      if (!r.ok && !r.optional) out.push(finding('repositories', `target:${r.id}`, 'inhibitor', `Target repository ${r.id} cannot be read`, `${r.url}: ${r.error ?? 'no answer'}.`, { hint: 'Check the mirror URL (--mirror, --repo ID=URL) or the network path to it.' }, [r.url]));
    }
    if (facts.targetCheck && facts.targetCheck.exit !== 0) {
      out.push(finding('repositories', 'target-from-host', 'inhibitor', 'The host cannot reach the target repositories', facts.targetCheck.output.slice(-800) || `exit ${facts.targetCheck.exit}`, { hint: 'Open the way from the host to the mirror (proxy, firewall) or use a mirror the host can reach.' }));
    }
    return out;
  },
};
