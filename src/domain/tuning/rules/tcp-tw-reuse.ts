import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'tcp-tw-reuse',
  title: 'outgoing connections may reuse TIME_WAIT sockets',
  category: 'network',
  rationale:
    'A busy client (a proxy, an app talking to its database) runs out of local ports while thousands of sockets sit in TIME_WAIT. tcp_tw_reuse=1 lets new outgoing connections take them over safely, using TCP timestamps (which must stay on). Its dangerous cousin tcp_tw_recycle is a separate rule: never set it.',
  risk: 'low',
  key: 'net.ipv4.tcp_tw_reuse',
  compare: 'eq',
  param: { name: 'value', type: 'integer', default: 1, min: 0, max: 2, description: '1 = on for outgoing connections' },
  alsoReads: ['net.ipv4.tcp_timestamps'],
  guard(f) {
    const ts = f.sysctl.get('net.ipv4.tcp_timestamps');
    if (ts !== undefined && ts !== null && ts.trim() === '0') {
      return { status: 'fail', current: 'net.ipv4.tcp_timestamps = 0', expected: 'tcp_timestamps = 1, tcp_tw_reuse = 1', fixable: false, detail: 'tcp_tw_reuse does nothing without TCP timestamps; find out why they were turned off before turning them on' };
    }
    return null;
  },
});
