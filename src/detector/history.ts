/**
 * GORACE's history_size: each worker keeps the stacks of its last 2^n × 1024 accesses.
 * We keep no ring of stacks at all: an access is identified by (worker, seq), stacks are
 * rebuilt on replay (DESIGN §6a), and an access older than the window is "evicted".
 */

/** Smallest and largest accepted `history_size`, as in Go. */
export const HISTORY_SIZE_MIN = 0
export const HISTORY_SIZE_MAX = 7

/** Number of accesses per worker whose stacks can be restored for a given history_size. */
export function historyCapacity(historySize: number): number {
  return 2 ** historySize * 1024
}

/** Whether the access numbered `accessSeq` has left the window of a worker now at `workerSeq`. */
export function isEvicted(workerSeq: number, accessSeq: number, capacity: number): boolean {
  return workerSeq - accessSeq >= capacity
}
