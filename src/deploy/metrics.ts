/**
 * What the proxy measures per revision: totals since start and a sliding window made of one-second slots, each
 * with a log-scale latency histogram (about 5% resolution), so percentiles over any window are a merge away.
 */
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
/** Latencies below this many ms share the first bucket. */
const FLOOR_MS = 0.05;

export class LatencyHistogram {
  readonly buckets = new Map<number, number>();
  count = 0;

  record(ms: number): void {
    const index = ms <= FLOOR_MS ? 0 : Math.ceil(Math.log(ms / FLOOR_MS) / LOG_GROWTH);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.count++;
  }

  merge(other: LatencyHistogram): void {
    for (const [i, n] of other.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
    this.count += other.count;
  }

  /** The upper bound of the bucket holding the q-th quantile (0..1); 0 with no samples. */
  quantile(q: number): number {
    if (!this.count) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const i of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(i)!;
      if (seen >= rank) return i === 0 ? FLOOR_MS : FLOOR_MS * GROWTH ** i;
    }
    return 0;
  }
}

export interface TrafficSummary {
  requests: number;
  /** Responses with status >= 500. */
  errors5xx: number;
  /** Requests the revision never answered (refused, reset, timed out). */
  connectionErrors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

interface Slot {
  second: number;
  requests: number;
  errors5xx: number;
  connectionErrors: number;
  latency: LatencyHistogram;
}

function emptySlot(second: number): Slot {
  return { second, requests: 0, errors5xx: 0, connectionErrors: 0, latency: new LatencyHistogram() };
}

function count(slot: Slot, error: 'errors5xx' | 'connectionErrors' | undefined, latencyMs: number): void {
  slot.requests++;
  if (error) slot[error]++;
  slot.latency.record(latencyMs);
}

function summarize(slots: Slot[]): TrafficSummary {
  const total = emptySlot(0);
  for (const s of slots) {
    total.requests += s.requests;
    total.errors5xx += s.errors5xx;
    total.connectionErrors += s.connectionErrors;
    total.latency.merge(s.latency);
  }
  const h = total.latency;
  return { requests: total.requests, errors5xx: total.errors5xx, connectionErrors: total.connectionErrors, p50Ms: h.quantile(0.5), p95Ms: h.quantile(0.95), p99Ms: h.quantile(0.99) };
}

export class RevisionMetrics {
  private readonly total = emptySlot(0);
  private slots: Slot[] = [];

  /**
   * @param retainMs how much history is kept before any window asks for more: an analysis asks for its configured
   * window from the switch on, and the slots kept grow to it (options.ts bounds the window).
   */
  constructor(private retainMs = 300_000) {}

  private slot(now: number): Slot {
    const second = Math.floor(now / 1000);
    let last = this.slots[this.slots.length - 1];
    if (!last || last.second !== second) {
      last = emptySlot(second);
      this.slots.push(last);
      const oldest = second - Math.ceil(this.retainMs / 1000);
      if (this.slots[0].second <= oldest) this.slots = this.slots.filter((s) => s.second > oldest);
    }
    return last;
  }

  recordResponse(status: number, latencyMs: number, now = Date.now()): void {
    count(this.total, status >= 500 ? 'errors5xx' : undefined, latencyMs);
    count(this.slot(now), status >= 500 ? 'errors5xx' : undefined, latencyMs);
  }

  recordConnectionError(latencyMs: number, now = Date.now()): void {
    count(this.total, 'connectionErrors', latencyMs);
    count(this.slot(now), 'connectionErrors', latencyMs);
  }

  totals(): TrafficSummary {
    return summarize([this.total]);
  }

  /** Traffic in the last `windowMs`, not counting anything before `since` (the switch). */
  window(windowMs: number, since = 0, now = Date.now()): TrafficSummary {
    this.retainMs = Math.max(this.retainMs, windowMs);
    const from = Math.max(now - windowMs, since);
    return summarize(this.slots.filter((s) => (s.second + 1) * 1000 > from));
  }
}
