/**
 * What a task in state D is waiting for, from its kernel stack (or only its wchan when the stack
 * cannot be read). The most specific reason wins: a task in folio_wait_writeback also passes through
 * io_schedule, and a loop worker blocked on a frozen filesystem also shows lo_rw_aio.
 */
export interface StackClass {
  key: string;
  /** for an operator, e.g. "waiting for a free request tag: the device queue is full" */
  cause: string;
  /** the frame that decided it */
  frame: string | null;
}

const RULES: Array<[key: string, re: RegExp, cause: string]> = [
  ['queue-full', /^blk_mq_get_tag$/, 'waiting for a free request tag: the device queue is full'],
  ['wbt', /^(rq_qos_wait|wbt_wait|__wbt_wait)$/, 'held by write-back throttling (wbt) while the device is slow'],
  ['throttle', /^(blk_throtl_\w+|throtl_\w+|blkcg_maybe_throttle_current|ioc_rqos_throttle)$/, 'held by cgroup IO throttling (io.max / blkio.throttle / io.cost)'],
  ['fuse', /^(fuse_\w+|request_wait_answer|__fuse_request_send)$/, 'waiting for a FUSE daemon to answer'],
  ['nfs', /^(nfs\w*|rpc_wait_bit_killable|__rpc_execute|rpc_\w+|xprt_\w+)$/, 'waiting for an NFS/RPC server'],
  ['dm', /^(dm_\w+|__dm_\w+)$/, 'inside device-mapper (a suspended or stuck dm device)'],
  ['md', /^(md_\w+|raid\d*\w*|mddev_\w+|wait_barrier)$/, 'inside md RAID (resync barrier or a stuck member)'],
  ['frozen-fs', /^(__sb_start_write|sb_start_write|sb_start_pagefault|sb_start_intwrite|sb_wait_write|freeze_super|__percpu_down_read|percpu_rwsem_wait)$/, 'blocked on a superblock write lock: a frozen filesystem (fsfreeze, snapshot) or a filesystem being frozen'],
  ['jbd2', /^(jbd2_\w+|__jbd2_\w+|start_this_handle|wait_transaction_locked|add_transaction_credits|jbd2_log_wait_commit)$/, 'waiting for the ext4 journal (jbd2): a commit or journal credits'],
  ['xfs-log', /^(xlog_\w+|xfs_log_force\w*|xfs_ail_push_all_sync|xfs_buf_lock)$/, 'waiting for the XFS log or a locked XFS buffer'],
  ['dirty-throttle', /^balance_dirty_pages(_ratelimited)?$/, 'throttled for dirtying pages faster than the disk writes them back'],
  ['writeback', /^(folio_wait_writeback|wait_on_page_writeback|folio_wait_stable|__filemap_fdatawait_range|filemap_fdatawait\w*|file_write_and_wait_range|wait_on_buffer|__wait_on_buffer|folio_wait_bit\w*|__folio_lock\w*|__lock_page\w*|wait_on_page_bit\w*|writeback_sb_inodes|sync_inodes_sb|wb_wait_for_completion)$/, 'waiting for page writeback or a page/buffer lock while data is written'],
  ['swap', /^(swap_readpage|swap_read_folio|swapin_readahead|__read_swap_cache_async)$/, 'waiting for a page to come back from swap'],
  ['loop', /^(lo_rw_aio|loop_process_work|lo_write_bvec|lo_read_simple)$/, 'a loop device worker waiting on its backing file'],
  ['block-io', /^(submit_bio_wait|__blkdev_direct_IO\w*|blkdev_direct_IO|iomap_dio_rw|__iomap_dio_rw|blk_execute_rq|blk_mq_freeze_queue_wait|bio_wait|wait_for_completion_io\w*|io_schedule\w*|bit_wait_io|blkdev_issue_flush|submit_bio_wait_endio)$/, 'waiting for a block IO request to complete'],
  ['page-fault', /^(filemap_fault|do_read_fault|__do_fault)$/, 'reading a file page in a page fault'],
  ['lock', /^(__mutex_lock\w*|mutex_lock\w*|rwsem_down_\w+|down_read\w*|down_write\w*|down|__down\w*)$/, 'waiting for a kernel lock held by another task'],
  ['exit', /^(do_exit|exit_mmap|do_coredump|coredump_wait)$/, 'exiting (or dumping core)'],
];

// wchan-only hints: the symbol a task sleeps in is the innermost non-scheduler frame
const IGNORE = /^(__schedule|schedule|schedule_timeout|schedule_preempt_disabled|io_schedule_timeout|preempt_schedule\w*|__pfx_\w+|srso_\w+|ret_from_fork\w*|kthread|worker_thread|process_one_work|entry_SYSCALL\w*|do_syscall_64)$/;

export function classifyStack(frames: string[], wchan: string | null): StackClass {
  const candidates = frames.length ? frames : wchan ? [wchan] : [];
  for (const [key, re, cause] of RULES) {
    const frame = candidates.find((f) => re.test(f));
    if (!frame) continue;
    // the same per-cpu rw-semaphore guards cgroup migration (fork, exit, moving tasks between cgroups)
    if (key === 'frozen-fs' && candidates.some((f) => /cgroup/.test(f))) return { key: 'lock', cause: 'waiting for the cgroup threadgroup lock (a cgroup migration is in progress)', frame };
    return { key, cause, frame };
  }
  const first = candidates.find((f) => !IGNORE.test(f)) ?? null;
  return { key: 'other', cause: first ? `sleeping in ${first}` : 'unknown (no stack: run as root to read /proc/PID/stack)', frame: first };
}

/** Reasons that mean the task waits on storage (as opposed to a lock or an exit). */
export function isIoWait(key: string): boolean {
  return !['lock', 'exit', 'other'].includes(key);
}
