/** GNU tar as the archive format of caches: it keeps modes, times and links, and is as fast as copying gets. */
import { spawn } from 'node:child_process';
import { NexusError } from '../errors.js';

/** Archives `members` (paths relative to `cwd`) into `file`. */
export function createTar(file: string, cwd: string, members: string[]): Promise<void> {
  return tar(['-c', '-f', file, '-C', cwd, '--null', '-T', '-'], members.map((m) => m + '\0').join(''));
}

/**
 * Extracts `file` into `dest`, keeping the stored modes. Existing files are overwritten in place
 * rather than unlinked and recreated: parallel jobs of one local run restore the same cache into a
 * shared home folder (~/.npm), and tar's unlink-then-create races there ("Cannot open: File exists").
 */
export function extractTar(file: string, dest: string): Promise<void> {
  return tar(['-x', '-p', '--overwrite', '-f', file, '-C', dest]);
}

function tar(args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr!.on('data', (d) => (errors += d));
    child.on('error', (e) => reject(new NexusError('TAR', `tar could not be started: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new NexusError('TAR', `tar ${args[0]} failed: ${errors.trim() || `exit code ${code}`}`))));
    if (input !== undefined) {
      // A tar that fails early closes its input; the exit code reports why.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}
