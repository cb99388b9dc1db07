/** The TcpExt counters that split retransmissions by cause (/proc/net/netstat), with their meaning. */
export interface RetransKind {
  key: string;
  title: string;
  meaning: string;
}

export const RETRANS_KINDS: readonly RetransKind[] = [
  { key: 'TcpExt.TCPFastRetrans', title: 'fast retransmits', meaning: 'resent after duplicate ACKs or SACKs showed a loss: the normal, cheap recovery' },
  { key: 'TcpExt.TCPTimeouts', title: 'RTO timeouts', meaning: 'the retransmission timer fired: a whole flight or its ACKs were lost, or the peer stopped answering; each one stalls the connection for at least 200 ms' },
  { key: 'TcpExt.TCPLossProbes', title: 'tail loss probes (TLP)', meaning: 'probes sent because the tail of a flight was not acknowledged in time' },
  { key: 'TcpExt.TCPLossProbeRecovery', title: 'losses repaired by TLP', meaning: 'tail losses a loss probe repaired without a timeout' },
  { key: 'TcpExt.TCPSynRetrans', title: 'SYN retransmits', meaning: 'connection attempts sent again: the peer or a firewall does not answer SYNs, or the peer\'s SYN or accept queue is full' },
  { key: 'TcpExt.TCPSlowStartRetrans', title: 'slow-start retransmits', meaning: 'retransmits during slow start after a timeout' },
  { key: 'TcpExt.TCPLostRetransmit', title: 'lost retransmits', meaning: 'a retransmission was itself lost: heavy or bursty loss' },
  { key: 'TcpExt.TCPRetransFail', title: 'failed retransmits', meaning: 'a retransmission could not even leave this host (a full queue or no memory)' },
  { key: 'TcpExt.TCPSpuriousRTOs', title: 'spurious RTOs', meaning: 'timeouts F-RTO found unnecessary: the RTT jumped (a delay spike) while nothing was lost' },
  { key: 'TcpExt.TCPDSACKRecv', title: 'DSACKs received', meaning: 'the peer received a segment twice: some retransmits were unnecessary (reordering or delay spikes)' },
];
