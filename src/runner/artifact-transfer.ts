/**
 * A job's artifacts between this runner's data folder and the server: what earlier jobs of the run stored
 * elsewhere is fetched before the job, and what the job stored is uploaded after it. Artifacts travel
 * packed by the artifact store, so both ends keep the same record (name, dates, size).
 */
import { ArtifactStore } from '../actions/artifact-store.js';
import type { Lease } from '../store/types.js';
import type { RunnerClient } from './client.js';

/** Fetches the run's artifacts this data folder lacks (or holds an older version of); returns their names. */
export async function fetchRunArtifacts(client: RunnerClient, lease: Lease, dataDir: string, runId: string, signal: AbortSignal): Promise<string[]> {
  const store = new ArtifactStore(dataDir);
  const reply = await client.call<{ artifacts: Array<{ name: string; createdAt: number }> }>(`/jobs/${lease.jobId}/artifacts/list`, lease, { signal, retry: true });
  const have = new Map(store.list(runId).map((a) => [a.name, Date.parse(a.createdAt)]));
  const missing = (reply?.artifacts ?? []).filter((a) => have.get(a.name) !== a.createdAt);
  for (const a of missing) {
    await store.withPackFile(async (file) => {
      await client.download(`/jobs/${lease.jobId}/artifacts/download`, { ...lease, name: a.name }, file, { signal, retry: true });
      await store.receive(runId, a.name, file);
    });
  }
  return missing.map((a) => a.name);
}

/** Uploads the run's artifacts stored since `since` (epoch ms); returns their names. */
export async function uploadJobArtifacts(client: RunnerClient, lease: Lease, dataDir: string, runId: string, since: number, signal: AbortSignal): Promise<string[]> {
  const store = new ArtifactStore(dataDir);
  const fresh = store.list(runId).filter((a) => Date.parse(a.createdAt) >= since);
  for (const a of fresh) {
    await store.withPackFile(async (file) => {
      await store.pack(runId, a.name, file);
      const q = new URLSearchParams({ attempt: String(lease.attempt), leaseToken: String(lease.leaseToken), name: a.name });
      await client.upload(`/jobs/${lease.jobId}/artifacts/upload?${q}`, file, { signal, retry: true });
    });
  }
  return fresh.map((a) => a.name);
}
