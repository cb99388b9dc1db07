import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'ip-local-port-range',
  title: 'enough local ports for outgoing connections',
  category: 'network',
  rationale:
    'A proxy or busy client opens one local port per outgoing connection to the same destination; the default 32768–60999 (28k) runs out under load. A wider range helps — keep its start above the ports your own services listen on.',
  risk: 'medium',
  key: 'net.ipv4.ip_local_port_range',
  compare: 'eq',
  param: { name: 'range', type: 'string', default: '10240 65535', pattern: '\\d{4,5} \\d{4,5}', description: '"LOW HIGH"' },
});
