import { finding, type Finding, type MigrationCheck } from '../findings';
import { compareEvr } from '../rpm-version';

/** Boot mode, Secure Boot, whether the root boots itself, and whether the newest kernel is the running one. */
export const boot: MigrationCheck = {
  id: 'boot',
  title: 'Boot chain and kernel',
  run({ facts }) {
    const out: Finding[] = [];
    const hasLoader = facts.bootloader.some((b) => b.includes('grub') || b.includes('loader/entries'));
    const kernels = facts.packages.filter((p) => p.name === 'kernel' || p.name === 'kernel-core');
    if (facts.mode === 'online') {
      out.push(finding('boot', 'mode', 'info', `Boot mode: ${facts.firmware === 'uefi' ? 'UEFI' : 'BIOS'}${facts.secureBoot ? ', Secure Boot on' : ''}`, facts.firmware === 'uefi' ? 'grub.cfg is regenerated under /boot/efi/EFI.' : 'grub.cfg is regenerated at /boot/grub2/grub.cfg.'));
      if (facts.secureBoot) {
        out.push(finding('boot', 'secureboot', 'high', 'Secure Boot is on', "The target's shim, grub and kernel must be signed by a key the firmware trusts, or the host will not boot.", { hint: "Confirm the target's shim is trusted by this firmware (mokutil --list-enrolled), or disable Secure Boot for the migration." }));
      }
    }
    if (!hasLoader) {
      out.push(finding('boot', 'no-loader', 'info', 'This root has no boot loader', `No grub configuration under ${facts.mode === 'offline' ? 'the root' : '/boot'} (a container, chroot or offline image): kernel packages are changed, no boot entry is written.`));
    } else if (facts.mode === 'online' && facts.runningKernel && kernels.length > 0) {
      const newest = kernels.reduce((a, b) => (compareEvr(b, a) > 0 ? b : a));
      const newestKv = `${newest.version}-${newest.release}.${newest.arch}`;
      if (!kernels.some((k) => `${k.version}-${k.release}.${k.arch}` === facts.runningKernel)) {
        out.push(finding('boot', 'custom-kernel', 'high', 'The running kernel is not an installed package', `Running ${facts.runningKernel}; installed kernels are ${kernels.map((k) => `${k.version}-${k.release}`).join(', ')}. A custom kernel is not replaced by the migration.`, { hint: 'Boot a distribution kernel first.' }));
      } else if (newestKv !== facts.runningKernel) {
        out.push(finding('boot', 'not-newest', 'medium', 'The newest installed kernel is not the running one', `Running ${facts.runningKernel}, newest installed ${newestKv}: the last update was not followed by a reboot, or the default boot entry is wrong.`, { hint: 'Reboot into the newest kernel, then assess again.', commands: ['grubby --default-kernel', 'reboot'] }));
      }
    }
    const devel = facts.packages.filter((p) => p.name === 'kernel-devel');
    if (devel.length > 1) {
      out.push(finding('boot', 'kernel-devel', 'low', `${devel.length} kernel-devel packages`, 'Several kernel-devel versions are installed; only the running one is needed.', { commands: ['package-cleanup --oldkernels --count=1'] }));
    }
    return out;
  },
};
