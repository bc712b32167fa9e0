/**
 * Cache save + restore of a node_modules-like tree (many small files) against `tar -c` + `tar -x`
 * of the same tree, alternating rounds in one run. Target: cache time <= 1.2x tar time.
 *   node dist/bench/cache.js [--mb 200] [--rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { CacheStore } from '../src/actions/cache-store.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const totalBytes = Number(values.mb) * 1024 * 1024;
const rounds = Number(values.rounds);

const base = mkdtempSync(join(tmpdir(), 'nexus-bench-cache-'));
const source = join(base, 'source');

/** Packages of 1-40 KB files, ~8 files per folder, like an npm install. */
function makeTree(): number {
  let written = 0;
  let files = 0;
  for (let pkg = 0; written < totalBytes; pkg++) {
    const dir = join(source, 'node_modules', `pkg-${pkg}`, pkg % 3 === 0 ? 'lib' : 'dist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(source, 'node_modules', `pkg-${pkg}`, 'package.json'), JSON.stringify({ name: `pkg-${pkg}`, version: '1.0.0' }));
    for (let f = 0; f < 8 && written < totalBytes; f++) {
      const size = 1024 + ((pkg * 7919 + f * 104729) % (39 * 1024));
      // Half random, half repetitive: source text compresses, but it is never all zeros.
      const body = Buffer.concat([randomBytes(size >> 1), Buffer.alloc(size - (size >> 1), `module.exports = ${pkg};\n`)]);
      writeFileSync(join(dir, `file-${f}.js`), body);
      written += size;
      files += 2;
    }
  }
  return files;
}

function time(fn: () => void | Promise<void>): Promise<number> {
  const started = performance.now();
  return Promise.resolve(fn()).then(() => performance.now() - started);
}

async function main(): Promise<void> {
  const files = makeTree();
  execFileSync('sync');
  const tarTimes: number[] = [];
  const cacheTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const tarFile = join(base, `round-${r}.tar`);
    const tarDest = join(base, `tar-${r}`);
    mkdirSync(tarDest);
    tarTimes.push(await time(() => {
      execFileSync('tar', ['-c', '-f', tarFile, '-C', source, 'node_modules']);
      execFileSync('tar', ['-x', '-p', '-f', tarFile, '-C', tarDest]);
    }));
    rmSync(tarFile);
    rmSync(tarDest, { recursive: true });

    const store = new CacheStore(join(base, `data-${r}`), 50 * 1024 ** 3);
    const version = CacheStore.version(['node_modules']);
    const dest = join(base, `restore-${r}`);
    mkdirSync(dest);
    cacheTimes.push(await time(async () => {
      await store.save('npm-bench', version, [join(source, 'node_modules')], source);
      await store.restore(store.find('npm-bench', [], version)!, dest);
    }));
    rmSync(join(base, `data-${r}`), { recursive: true });
    rmSync(dest, { recursive: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const tar = median(tarTimes);
  const cache = median(cacheTimes);
  console.log(`tree: ${values.mb} MB in ${files} files; ${rounds} rounds, medians`);
  console.log(`tar -c + tar -x:          ${(tar / 1000).toFixed(2)} s`);
  console.log(`cache save + restore:     ${(cache / 1000).toFixed(2)} s`);
  console.log(`ratio cache/tar:          ${(cache / tar).toFixed(2)}x (target <= 1.20x)`);
}

main().finally(() => rmSync(base, { recursive: true, force: true }));
