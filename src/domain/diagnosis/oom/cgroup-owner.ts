/**
 * Who owns a cgroup path, read from its name: a Kubernetes pod and container, a Docker/Podman
 * container, or a systemd unit. Kubelet names pods by UID only (the systemd driver writes the UID's
 * dashes as underscores), so the pod's name needs `kubectl`; the commands in the report say how.
 */
export interface CgroupOwner {
  kind: 'k8s' | 'docker' | 'podman' | 'containerd' | 'crio' | 'systemd' | 'cgroup';
  qos: 'guaranteed' | 'burstable' | 'besteffort' | null;
  podUid: string | null;
  containerId: string | null;
  runtime: 'docker' | 'containerd' | 'crio' | 'podman' | null;
  /** the systemd unit (last .service/.scope/.slice component) */
  unit: string | null;
  /** one short phrase for tables: "k8s pod d63c4bbe-… container 083afd1a06b8 (burstable)" */
  label: string;
}

const CONTAINER = /(?:^|\/)(docker|cri-containerd|crio|libpod)-([0-9a-f]{12,64})\.scope(?:\/|$)/;
const BARE_ID = /^[0-9a-f]{64}$/;

export function cgroupOwner(path: string | null | undefined): CgroupOwner | null {
  if (!path) return null;
  const parts = path.split('/').filter(Boolean);
  let qos: CgroupOwner['qos'] = null;
  let podUid: string | null = null;
  let containerId: string | null = null;
  let runtime: CgroupOwner['runtime'] = null;
  const k8s = parts.some((p) => p === 'kubepods' || p.startsWith('kubepods-') || p === 'kubepods.slice');
  for (const p of parts) {
    const q = /^kubepods-(burstable|besteffort)(?:\.slice)?$/.exec(p) ?? (k8s ? /^(burstable|besteffort)$/.exec(p) : null);
    if (q) qos = q[1] as 'burstable' | 'besteffort';
    const pod = /(?:^|-)pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$/.exec(p);
    if (pod) podUid = pod[1]!.replace(/_/g, '-');
  }
  const c = CONTAINER.exec(path);
  if (c) {
    containerId = c[2]!;
    runtime = c[1] === 'docker' ? 'docker' : c[1] === 'cri-containerd' ? 'containerd' : c[1] === 'crio' ? 'crio' : 'podman';
  } else {
    const last = parts.at(-1) ?? '';
    if (BARE_ID.test(last) && (k8s || parts[0] === 'docker')) containerId = last;
    if (parts[0] === 'docker' && containerId) runtime = 'docker';
  }
  if (k8s && podUid && qos === null) qos = 'guaranteed';
  const lastPart = parts.at(-1) ?? '';
  const unitPart = /\.(service|scope|slice)$/.test(lastPart) ? lastPart : null;
  const short = (id: string) => id.slice(0, 12);
  if (k8s) {
    const bits = [`k8s pod ${podUid ?? '?'}`];
    if (containerId) bits.push(`container ${short(containerId)}`);
    if (qos) bits.push(`(${qos})`);
    return { kind: 'k8s', qos, podUid, containerId, runtime, unit: unitPart, label: bits.join(' ') };
  }
  if (containerId && runtime) {
    const kind = runtime === 'podman' ? 'podman' : runtime;
    return { kind, qos: null, podUid: null, containerId, runtime, unit: unitPart, label: `${runtime} container ${short(containerId)}` };
  }
  if (unitPart) return { kind: 'systemd', qos: null, podUid: null, containerId: null, runtime: null, unit: unitPart, label: `systemd ${unitPart}` };
  return { kind: 'cgroup', qos: null, podUid: null, containerId: null, runtime: null, unit: null, label: path };
}
