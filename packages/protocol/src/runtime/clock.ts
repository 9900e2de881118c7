/**
 * Epoch milliseconds with sub-millisecond resolution. All processes of a run share the machine's
 * wall clock, so a timestamp taken by a sender and one taken by a receiver can be subtracted.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
