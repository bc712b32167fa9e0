import { after } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { storeSuite } from './store-suite.js';

const { dir, cleanup } = tempDir('nexus-store-');
after(cleanup);

storeSuite(() => ({
  open: () => openStore({ dataDir: dir, env: {} }),
  async rawSecrets() {
    return readdirSync(dir).filter((f) => f.startsWith('nexus.db')).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
  },
}));
