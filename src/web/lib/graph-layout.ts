/**
 * The job graph laid out left to right: a job's stage is one past the furthest job it needs; the
 * instances of a matrix job share one box; edges run from a needed job's box to the needing one's.
 */
export interface GraphJob { id: number; key: string; jobId: string; name: string; needs: string[] }

export interface GraphBox<J extends GraphJob> { jobId: string; stage: number; x: number; y: number; width: number; height: number; jobs: J[]; matrix: boolean }
export interface GraphEdge { from: string; to: string; d: string }

export const BOX_WIDTH = 220;
export const ROW = 30;
export const HEADER = 26;
const GAP_X = 60;
const GAP_Y = 18;
const PAD = 8;

export function layoutGraph<J extends GraphJob>(jobs: J[]): { boxes: GraphBox<J>[]; edges: GraphEdge[]; width: number; height: number } {
  const byId = new Map<string, J[]>();
  for (const j of jobs) byId.set(j.jobId, [...(byId.get(j.jobId) ?? []), j]);
  const stage = new Map<string, number>();
  const stageOf = (id: string, seen: Set<string>): number => {
    if (stage.has(id)) return stage.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const needs = (byId.get(id)?.[0]?.needs ?? []).filter((n) => byId.has(n));
    const s = needs.length ? 1 + Math.max(...needs.map((n) => stageOf(n, seen))) : 0;
    stage.set(id, s);
    return s;
  };
  for (const id of byId.keys()) stageOf(id, new Set());
  const columns: string[][] = [];
  for (const id of byId.keys()) (columns[stage.get(id)!] ??= []).push(id);
  const boxes: GraphBox<J>[] = [];
  let height = 0;
  columns.forEach((ids, s) => {
    let y = PAD;
    for (const id of ids ?? []) {
      const list = byId.get(id)!;
      const matrix = list.length > 1 || list[0].key !== id;
      const h = matrix ? HEADER + list.length * ROW + 4 : ROW + 4;
      boxes.push({ jobId: id, stage: s, x: PAD + s * (BOX_WIDTH + GAP_X), y, width: BOX_WIDTH, height: h, jobs: list, matrix });
      y += h + GAP_Y;
    }
    height = Math.max(height, y);
  });
  const at = new Map(boxes.map((b) => [b.jobId, b]));
  const edges: GraphEdge[] = [];
  for (const b of boxes) {
    for (const n of b.jobs[0].needs) {
      const from = at.get(n);
      if (!from) continue;
      const x1 = from.x + from.width;
      const y1 = from.y + from.height / 2;
      const x2 = b.x;
      const y2 = b.y + b.height / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: n, to: b.jobId, d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
    }
  }
  return { boxes, edges, width: PAD * 2 + columns.length * (BOX_WIDTH + GAP_X) - GAP_X, height: Math.max(height, ROW + PAD * 2) };
}
