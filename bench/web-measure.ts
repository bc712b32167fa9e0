/** Shared by the web benchmarks: percentiles and a plain SSE follower of a job's log. */
export function percentile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))];
}

/** Follows `/api/jobs/ID/logs?follow=1` and returns, per line matching `pattern` (id, epoch ms), receive time minus print time. */
export async function followLog(url: string, token: string, jobId: number, pattern: RegExp): Promise<number[]> {
  const res = await fetch(`${url}/api/jobs/${jobId}/logs?follow=1`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(`log stream: ${res.status}`);
  const out: number[] = [];
  const seen = new Set<string>();
  const decoder = new TextDecoder();
  const global = new RegExp(pattern.source, 'g');
  for await (const chunk of res.body) {
    const now = Date.now();
    for (const m of decoder.decode(chunk as Uint8Array, { stream: true }).matchAll(global)) if (!seen.has(m[1])) (seen.add(m[1]), out.push(now - Number(m[2])));
  }
  return out;
}
