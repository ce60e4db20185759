/** How much of the recent past a worker spent on jobs: the source of the busy gauges. */

/** Tracks busy/idle transitions; `ratio()` covers the last `windowMs`, `busySeconds()` the whole life. */
export class BusyTracker {
  private readonly closed: [number, number][] = [];
  private since: number | null = null;
  private closedMs = 0;
  private readonly startedAt: number;

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** Marks the worker busy (a job is running) or idle. Repeating the current state changes nothing. */
  set(busy: boolean): void {
    const t = this.now();
    if (busy && this.since === null) this.since = t;
    if (!busy && this.since !== null) {
      this.closed.push([this.since, t]);
      this.closedMs += t - this.since;
      this.since = null;
    }
    this.trim(t);
  }

  /** True while busy. */
  get busy(): boolean {
    return this.since !== null;
  }

  /** Busy share of the last window (or of the life so far, when shorter), 0..1. */
  ratio(): number {
    const t = this.now();
    this.trim(t);
    const from = Math.max(t - this.windowMs, this.startedAt);
    const span = t - from;
    if (span <= 0) return this.busy ? 1 : 0;
    let busy = 0;
    for (const [a, b] of this.closed) busy += Math.max(0, Math.min(b, t) - Math.max(a, from));
    if (this.since !== null) busy += t - Math.max(this.since, from);
    return Math.min(1, busy / span);
  }

  /** Busy seconds since the tracker was made, the running job included. */
  busySeconds(): number {
    const open = this.since === null ? 0 : this.now() - this.since;
    return (this.closedMs + open) / 1000;
  }

  private trim(t: number): void {
    while (this.closed.length > 0 && this.closed[0][1] <= t - this.windowMs) this.closed.shift();
  }
}
