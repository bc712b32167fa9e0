/**
 * Run artifacts on the server: runners upload what a job stored (packed by the artifact store), the server
 * keeps them under its data folder with a row per artifact, hands them to later jobs on other machines,
 * and serves them to people as zip files.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ZipFile } from 'yazl';
import { ArtifactStore, checkArtifactName } from '../actions/artifact-store.js';
import { NexusError } from '../errors.js';
import type { Job } from '../store/types.js';
import type { ServerContext } from './context.js';

const storeOf = (ctx: ServerContext) => new ArtifactStore(ctx.config.dataDir);
/** Stores the packed artifact `name` of the job's run from the request body. */
export async function receiveArtifact(ctx: ServerContext, job: Job, name: string, body: WebReadableStream<Uint8Array> | null): Promise<void> {
  checkArtifactName(name);
  if (!body) throw new NexusError('USAGE', 'the request body must be the packed artifact');
  const store = storeOf(ctx);
  await store.withPackFile(async (file) => {
    await pipeline(Readable.fromWeb(body), createWriteStream(file));
    const record = await store.receive(String(job.runId), name, file);
    await ctx.store.saveArtifact({
      runId: job.runId, name, files: record.files, size: record.size, path: join(store.root, String(job.runId), name),
      createdAt: Date.parse(record.createdAt), expiresAt: Date.parse(record.expiresAt),
    });
  });
}

async function known(ctx: ServerContext, runId: number, name: string) {
  const entry = (await ctx.store.listArtifacts(runId)).find((a) => a.name === name);
  if (!entry) throw new NexusError('NOT_FOUND', `artifact ${JSON.stringify(name)} of run ${runId} not found (expired or never uploaded)`);
  return entry;
}

/** The packed artifact as a stream, for a runner. */
export async function packedArtifact(ctx: ServerContext, runId: number, name: string): Promise<Readable> {
  await known(ctx, runId, name);
  return storeOf(ctx).packed(String(runId), name);
}

/** The artifact's files as a zip archive (as GitHub serves artifacts), written as it is read. */
export async function zippedArtifact(ctx: ServerContext, runId: number, name: string): Promise<Readable> {
  await known(ctx, runId, name);
  const zip = new ZipFile();
  for (const f of storeOf(ctx).files(String(runId), name)) zip.addFile(f.file, f.path, { mode: f.mode });
  zip.end();
  return zip.outputStream as Readable;
}
