import { finding, type MigrationCheck } from '../findings';
import { compareEvr } from '../rpm-version';

/** The host is the path's source, at a supported release, and we can run the package manager as root. */
export const pathSupport: MigrationCheck = {
  id: 'path-support',
  title: 'Source system and migration path',
  run({ facts, path }) {
    const out = [];
    const major = /^\d+/.exec(facts.os.versionId)?.[0] ?? '';
    if (facts.os.id === path.target.id) {
      out.push(finding('path-support', 'already', 'inhibitor', `Already ${path.target.name}`, `os-release says ${facts.os.pretty}: this system has already been migrated.`, { hint: 'Nothing to do; pick another host or path.' }));
    } else if (!path.source.ids.includes(facts.os.id) || !path.source.versions.includes(major)) {
      out.push(finding('path-support', 'source', 'inhibitor', 'Source system not supported by this path', `os-release says ${facts.os.pretty || 'nothing'} (ID=${facts.os.id || '?'}, VERSION_ID=${facts.os.versionId || '?'}); ${path.id} migrates ${path.source.ids.join('/')} ${path.source.versions.join('/')}.`, { hint: 'Choose the path for this system (osdeck migrate paths).' }));
    }
    if (path.source.minRelease && facts.release && path.source.releasePackages.includes(facts.release.name)) {
      if (compareEvr({ epoch: 0, version: facts.release.version, release: '' }, { epoch: 0, version: path.source.minRelease, release: '' }) < 0) {
        out.push(finding('path-support', 'minor', 'high', `Source release ${facts.release.version} is older than ${path.source.minRelease}`, `Tools and the target are tested from ${path.source.minRelease}; distro-sync from an older minor release makes a much larger transaction.`, { hint: 'Update to the last minor release first, reboot, then assess again.', commands: [`${facts.packageManager ?? 'yum'} -y update && reboot`] }));
      }
    }
    if (facts.mode === 'online' && facts.uid !== 0) {
      out.push(finding('path-support', 'root', 'inhibitor', 'Not running as root', `osdeck logs in as uid ${facts.uid ?? '?'}; the migration changes packages and needs root.`, { hint: 'Register the host with a root login (sudo is not supported yet).' }));
    }
    if (!facts.packageManager) {
      out.push(finding('path-support', 'pm', 'inhibitor', 'No dnf or yum', 'Neither dnf nor yum is installed, so no package transaction can run.', { hint: 'Install yum (EL7) or dnf (EL8).' }));
    }
    if (facts.container.length > 0) {
      out.push(finding('path-support', 'container', 'medium', 'Running in a container', `${facts.container.join(', ')} exists: kernel and boot loader steps are skipped, and the container image is the better place to change the OS.`, { hint: 'Rebuild the image on the target instead, or accept the in-place change.' }));
    }
    return out;
  },
};
