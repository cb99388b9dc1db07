// Naming and addressing of lab hosts: pure, so the same index always maps to the same
// name, network namespace, veth and address, and so stale labs can be recognised by name alone.
//
// Everything lives inside 198.18.0.0/15 (RFC 2544 benchmarking range): the bridge is
// 198.18.0.1, hosts fill 198.18.<block>.2 … 198.18.<block>.251 in blocks of 250. Keeping the
// last octet in 2..251 means no address ever ends in .0, .1 or .255, so nothing looks like a
// network, gateway or broadcast address to a human reading logs, even though in a /15 all of
// them would be valid.

export const LAB_MIN_HOSTS = 1;
export const LAB_MAX_HOSTS = 1000;

export const LAB_BRIDGE_NAME = 'osdeck-lab0';
export const LAB_BRIDGE_ADDRESS = '198.18.0.1';
// Fixed too: a bridge otherwise takes the lowest port MAC and changes it as ports come and go.
export const LAB_BRIDGE_MAC = '02:00:c6:12:00:01';
export const LAB_PREFIX_LENGTH = 15;
export const LAB_NETWORK = '198.18.0.0';

export const LAB_NETNS_PREFIX = 'osdeck-lab-';
export const LAB_VETH_PREFIX = 'osdl';
export const LAB_HOST_PREFIX = 'lab-';
// Name of the host-side veth end; it lives alone inside its namespace, so it can be fixed.
export const LAB_HOST_INTERFACE = 'eth0';
export const LAB_SSH_PORT = 22;
export const LAB_SSH_USER = 'root';

const HOSTS_PER_BLOCK = 250;
const FIRST_HOST_OCTET = 2;
// Linux limit on interface names (IFNAMSIZ - 1).
export const MAX_INTERFACE_NAME_LENGTH = 15;

/** Why `count` is not an acceptable number of lab hosts, or null if it is. */
export function labHostCountProblem(count: number): string | null {
  if (!Number.isInteger(count)) return `host count must be an integer, got ${String(count)}`;
  if (count < LAB_MIN_HOSTS || count > LAB_MAX_HOSTS) {
    return `host count must be between ${LAB_MIN_HOSTS} and ${LAB_MAX_HOSTS}, got ${count}`;
  }
  return null;
}

function assertIndex(index: number): void {
  if (!Number.isInteger(index) || index < LAB_MIN_HOSTS || index > LAB_MAX_HOSTS) {
    throw new RangeError(`lab host index must be an integer in ${LAB_MIN_HOSTS}..${LAB_MAX_HOSTS}, got ${String(index)}`);
  }
}

/** `lab-<index>`: both the lab host's name and the hostname its sshd reports. */
export function labHostName(index: number): string {
  assertIndex(index);
  return `${LAB_HOST_PREFIX}${index}`;
}

/** `osdeck-lab-<index>`: the network namespace holding the host. */
export function labNetnsName(index: number): string {
  assertIndex(index);
  return `${LAB_NETNS_PREFIX}${index}`;
}

/** `osdl<index>`: the root-namespace end of the host's veth pair, attached to the bridge. */
export function labVethName(index: number): string {
  assertIndex(index);
  return `${LAB_VETH_PREFIX}${index}`;
}

/**
 * Locally administered MAC embedding an IPv4 address (`02:00:` + its four octets in hex).
 * Fixed MACs let the lab install permanent neighbour entries instead of relying on ARP: with
 * hundreds of ports on one bridge every ARP broadcast is copied to every host, and the root
 * namespace's ARP table starts garbage-collecting live entries past gc_thresh2 (512).
 */
export function labMacForAddress(address: string): string {
  if (!isInLabNetwork(address)) throw new RangeError(`${address} is not inside 198.18.0.0/15`);
  const hex = address.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0'));
  return `02:00:${hex.join(':')}`;
}

/** MAC of the host-side veth end of host `index`. */
export function labHostMac(index: number): string {
  return labMacForAddress(labHostAddress(index));
}

/** Dotted-quad IPv4 address of the host, inside 198.18.0.0/15, never ending in .0/.1/.255. */
export function labHostAddress(index: number): string {
  assertIndex(index);
  const offset = index - 1;
  const block = Math.floor(offset / HOSTS_PER_BLOCK);
  const octet = (offset % HOSTS_PER_BLOCK) + FIRST_HOST_OCTET;
  return `198.18.${block}.${octet}`;
}

function parseIndexAfter(prefix: string, name: string): number | null {
  if (!name.startsWith(prefix)) return null;
  const digits = name.slice(prefix.length);
  // Canonical decimal only ("07" is not ours), so parsing is the exact inverse of naming.
  if (!/^[1-9][0-9]*$/.test(digits)) return null;
  const index = Number(digits);
  return index <= LAB_MAX_HOSTS ? index : null;
}

/** Index of a lab network namespace name, or null if the name is not one of ours. */
export function parseLabNetnsName(name: string): number | null {
  return parseIndexAfter(LAB_NETNS_PREFIX, name);
}

/** Index of a lab root-side veth name, or null if the name is not one of ours. */
export function parseLabVethName(name: string): number | null {
  return parseIndexAfter(LAB_VETH_PREFIX, name);
}

/** Index of a lab host name (`lab-<i>`), or null if the name is not one of ours. */
export function parseLabHostName(name: string): number | null {
  return parseIndexAfter(LAB_HOST_PREFIX, name);
}

/** True if `address` is a dotted quad inside 198.18.0.0/15. */
export function isInLabNetwork(address: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!match) return false;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return false;
  return octets[0] === 198 && (octets[1] === 18 || octets[1] === 19);
}

/** Indices 1..count, after validating count. */
export function labHostIndices(count: number): number[] {
  const problem = labHostCountProblem(count);
  if (problem) throw new RangeError(problem);
  return Array.from({ length: count }, (_, i) => i + 1);
}
