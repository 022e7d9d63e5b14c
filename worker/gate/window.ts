/**
 * A sliding 60-second window counted in one-second buckets: constant memory whatever the rate
 * (60 numbers), exact to the second. Pure, so it is tested directly.
 */
export const WINDOW_SECONDS = 60;

export class SlidingWindow {
  private readonly counts = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly seconds = new Array<number>(WINDOW_SECONDS).fill(-1);

  add(nowMs: number, amount: number): void {
    const sec = Math.floor(nowMs / 1000);
    const i = sec % WINDOW_SECONDS;
    if (this.seconds[i] !== sec) {
      this.seconds[i] = sec;
      this.counts[i] = 0;
    }
    this.counts[i] += amount;
  }

  /** Removes an amount counted at `atMs`, if that second is still in the window. */
  remove(atMs: number, amount: number): void {
    const sec = Math.floor(atMs / 1000);
    const i = sec % WINDOW_SECONDS;
    if (this.seconds[i] === sec) this.counts[i] = Math.max(0, this.counts[i] - amount);
  }

  total(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      if (this.seconds[i] > sec - WINDOW_SECONDS) sum += this.counts[i];
    }
    return sum;
  }

  /** Seconds until the total drops below `limit`, at least 1. */
  secondsUntilBelow(nowMs: number, limit: number): number {
    const sec = Math.floor(nowMs / 1000);
    let total = this.total(nowMs);
    for (let s = sec - WINDOW_SECONDS + 1; s <= sec; s++) {
      const i = ((s % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
      if (this.seconds[i] === s) total -= this.counts[i];
      if (total < limit) return Math.max(1, s + WINDOW_SECONDS - sec);
    }
    return WINDOW_SECONDS;
  }
}
