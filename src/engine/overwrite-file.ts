import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * Replaces a file's content in place. Opening an existing file with O_TRUNC (what writeFileSync
 * does) makes ext4 flush it when it is closed, its guard for files replaced by truncation; that
 * cost 0.14 ms per step script on a quiet disk here and 0.6 ms on a busy one. Writing over the old
 * bytes and cutting the file to the new length never truncates it to zero, so it stays a write to
 * the page cache (3-5 µs).
 */
export function overwriteFile(path: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fd = openSync(path, 'w');
  }
  try {
    const bytes = Buffer.from(text);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, done);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}
