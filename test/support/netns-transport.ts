/**
 * A Transport that runs the probe inside a network namespace (`ip netns exec NS sh -s`): the local
 * transport's contract (script on stdin, timeout killing the process group, capped output) through
 * a wrapper command. Network diagnoses are tested this way against a namespace pair with real loss
 * between them, so /proc/net/*, ss and ping see only that namespace's traffic.
 */
import { LocalTransport } from '../../src/infra/transport/local-transport';

export class NetnsTransport extends LocalTransport {
  constructor(
    readonly netns: string,
    host = netns,
  ) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(netns)) throw new Error(`bad netns name ${JSON.stringify(netns)}`);
    super(host, ['ip', 'netns', 'exec', netns]);
  }
}
