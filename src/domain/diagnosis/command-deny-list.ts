/**
 * Commands that destroy data or take a host down. The command diagnosis refuses them unless the
 * operator confirms (and the confirmation is audited). This is a seatbelt against typos and
 * copy-paste, not a sandbox: the operator already has a shell's worth of power.
 */
export interface DenyRule {
  id: string;
  why: string;
  re: RegExp;
}

// \b-delimited words at a command position: start, or after ; & | ( ` $( or sudo/env/xargs.
const AT = String.raw`(?:^|[;&|(\x60\n]|\$\(|\bsudo\s+|\bxargs\s+|\benv\s+|\bexec\s+|\bnohup\s+)\s*`;

export const DENY_RULES: readonly DenyRule[] = [
  { id: 'rm-recursive-root', why: 'recursive removal of / or a top-level system directory', re: new RegExp(String.raw`${AT}rm\s+(?:-[^\s]*\s+)*(?:-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\s+(?:-[^\s]*\s+)*(?:--no-preserve-root\s+)?["']?/(?:\*|\s|$|["']|(?:bin|boot|dev|etc|home|lib|lib64|opt|root|sbin|srv|usr|var)(?:/?\*?)(?:["']|\s|$))`, 'm') },
  { id: 'no-preserve-root', why: '--no-preserve-root', re: /--no-preserve-root/ },
  { id: 'mkfs', why: 'creates a filesystem (erases the device)', re: new RegExp(String.raw`${AT}(?:mkfs(?:\.\w+)?|mke2fs|mkswap|wipefs)\b`, 'm') },
  { id: 'dd-to-device', why: 'dd writing to a block device', re: /\bdd\b[^\n;|&]*\bof=\/dev\/(?!null\b|zero\b|stdout\b|stderr\b)/ },
  { id: 'redirect-to-device', why: 'output redirected onto a disk device', re: />\s*\/dev\/(?:sd|vd|xvd|hd|nvme|mmcblk|dm-|mapper\/|md)\w*/ },
  { id: 'partition', why: 'partition table editors', re: new RegExp(String.raw`${AT}(?:fdisk|sfdisk|gdisk|sgdisk|parted|cfdisk)\b`, 'm') },
  { id: 'lvm-remove', why: 'removes LVM volumes', re: new RegExp(String.raw`${AT}(?:lvremove|vgremove|pvremove|lvreduce)\b`, 'm') },
  { id: 'power', why: 'reboots or powers off the host', re: new RegExp(String.raw`${AT}(?:shutdown|reboot|halt|poweroff|kexec|init\s+[06]\b|telinit\s+[06]\b|systemctl\s+(?:-\S+\s+)*(?:reboot|poweroff|halt|kexec|emergency|rescue)\b)`, 'm') },
  { id: 'sysrq', why: 'sysrq trigger (crash, reboot)', re: /sysrq-trigger/ },
  { id: 'kill-all', why: 'kills every process or init', re: new RegExp(String.raw`${AT}(?:kill\s+(?:-\S+\s+)*(?:-1|1)\b|killall5\b|pkill\s+(?:-\S+\s+)*-9?\s*\.\s*$)`, 'm') },
  { id: 'fork-bomb', why: 'fork bomb', re: /:\s*\(\s*\)\s*\{[^}]*:\s*\|\s*:/ },
  { id: 'chmod-chown-root', why: 'recursive permission or owner change on /', re: /\b(?:chmod|chown|chgrp)\s+(?:-\S*\s+)*-[a-zA-Z]*R[a-zA-Z]*\s+\S+\s+\/(?:\s|$)/ },
  { id: 'package-remove', why: 'removes packages', re: new RegExp(String.raw`${AT}(?:(?:yum|dnf|apt|apt-get|zypper)\s+(?:-\S+\s+)*(?:remove|erase|purge|autoremove)\b|rpm\s+(?:-\S+\s+)*-e\b|rpm\s+--erase\b|dpkg\s+(?:-P|-r|--purge|--remove)\b)`, 'm') },
  { id: 'firewall-flush', why: 'flushes the firewall (can cut the host off)', re: /\b(?:iptables|ip6tables)\s+(?:-\S+\s+)*-F\b|\bnft\s+flush\s+ruleset\b/ },
  { id: 'crontab-remove', why: 'removes a crontab', re: /\bcrontab\s+(?:-\S+\s+)*-r\b/ },
  { id: 'user-delete', why: 'deletes users or passwords', re: new RegExp(String.raw`${AT}(?:userdel|passwd\s+-d)\b`, 'm') },
  { id: 'truncate-system', why: 'empties a system file', re: /(?:^|[;&|]\s*)(?::\s*)?>\s*\/etc\/(?:passwd|shadow|fstab|sudoers|group)\b/m },
  { id: 'network-down', why: 'takes a network interface down (can cut the host off)', re: /\b(?:ifdown|ip\s+link\s+set\s+\S+\s+down|nmcli\s+\S*\s*(?:con(?:nection)?\s+)?down|systemctl\s+stop\s+(?:network|NetworkManager|sshd?)\b)/ },
];

/** The rules a command trips, in list order. */
export function deniedBy(command: string): DenyRule[] {
  return DENY_RULES.filter((r) => r.re.test(command));
}
