import { after, before } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { storeSuite } from './store-suite.js';

const { dir, cleanup } = tempDir('nexus-store-pg-');
let cluster: PgCluster;
let url: string;
before(async () => {
  cluster = await startPostgres();
  url = await cluster.newDatabase();
});
after(async () => {
  await cluster.stop();
  cleanup();
});

storeSuite(() => ({
  open: () => openStore({ dataDir: dir, databaseUrl: url, env: {} }),
  async rawSecrets() {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const rows = (await c.query('SELECT * FROM secrets')).rows;
    await c.end();
    return JSON.stringify(rows);
  },
}));
