import { finding, listed, type Finding, type MigrationCheck } from '../findings';

/** NIC naming, SELinux, FIPS and PAM modules the target no longer ships. */
export const systemConfig: MigrationCheck = {
  id: 'system-config',
  title: 'Network naming, SELinux, FIPS and PAM',
  run({ facts, target }) {
    const out: Finding[] = [];
    const eth = facts.nics.filter((n) => /^eth\d+$/.test(n));
    if (eth.length > 1) {
      out.push(finding('system-config', 'nic-names', 'medium', `${eth.length} NICs use kernel names (${eth.join(', ')})`, 'Kernel-assigned ethN names are not stable across kernels: after the new kernel boots, eth0 and eth1 may swap and the management address may end up on the wrong port.', { hint: 'Pin each name to its MAC (HWADDR= in ifcfg, or a udev rule) before the migration.' }, eth));
    } else if (eth.length === 1) {
      out.push(finding('system-config', 'nic-names', 'info', `One NIC with a kernel name (${eth[0]})`, 'A single ethN keeps its name (net.ifnames=0 is kept on the kernel command line).'));
    }
    if (facts.fips) {
      out.push(finding('system-config', 'fips', 'inhibitor', 'FIPS mode is on', 'An in-place migration with FIPS enabled is not supported: keys and modules are validated per release.', { hint: 'Disable FIPS for the migration and enable it again afterwards.', commands: ['fips-mode-setup --disable'] }));
    }
    const mode = facts.selinux.runtime?.toLowerCase() ?? facts.selinux.config?.toLowerCase() ?? null;
    if (mode === 'enforcing' || mode === 'permissive') {
      out.push(finding('system-config', 'selinux', 'info', `SELinux is ${mode}`, 'SELinux stays as configured; a full relabel is scheduled after the migration (/.autorelabel), so the first boot takes longer.'));
    }
    if (facts.pam.length > 0 && target.packages.length > 0) {
      const have = new Set(target.packages.map((p) => p.name));
      const gone = [...new Set(facts.pam.flatMap((p) => p.modules))].filter((m) => !have.has(m));
      if (gone.length > 0) {
        const files = facts.pam.filter((p) => p.modules.some((m) => gone.includes(m))).map((p) => p.file);
        out.push(finding('system-config', 'pam', 'medium', `PAM module(s) not in the target: ${gone.join(', ')}`, `${listed(files)} use ${gone.join(', ')}, and the target repositories have no such package: logins through these stacks fail after the migration.`, { hint: 'Remove the module from the PAM stack (authconfig/authselect) or install a replacement before migrating.', commands: files.map((f) => `grep -n '${gone[0]}' ${f}`) }, files));
      }
    }
    return out;
  },
};
