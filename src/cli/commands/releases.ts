/** `nexus releases`: the releases recorded by actions/create-release, newest first. */
import { resolveDataDir } from '../../environments/data-folder.js';
import { ReleaseStore } from '../../actions/release-store.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

export const releasesCommand: Command = {
  name: 'releases',
  summary: 'List the releases recorded by actions/create-release (newest first), or show one',
  usage: 'nexus releases [--show TAG] [--json] [--data DIR]',
  async run(args, io) {
    const { values } = parseCommandArgs('releases', args, { show: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } }, false);
    const store = new ReleaseStore(resolveDataDir(io.cwd, values.data, io.env));
    if (values.show !== undefined) {
      const r = store.get(values.show);
      if (!r) {
        io.stderr.write(`nexus releases: no release for tag '${values.show}'\n`);
        return 1;
      }
      io.stdout.write(values.json ? JSON.stringify(r, null, 2) + '\n' : `${r.name} (${r.tag})${r.draft ? ' draft' : ''}${r.prerelease ? ' prerelease' : ''}\ncommit ${r.commit}  run ${r.runId}  by ${r.actor}  at ${r.createdAt}\n\n${r.body}\n`);
      return 0;
    }
    const all = store.list();
    if (values.json) io.stdout.write(JSON.stringify(all, null, 2) + '\n');
    else if (all.length === 0) io.stdout.write('no releases recorded\n');
    else for (const r of all) io.stdout.write(`${r.tag.padEnd(16)}  ${r.name.padEnd(24)}  ${r.commit.slice(0, 12)}  ${r.createdAt}${r.draft ? '  draft' : ''}${r.prerelease ? '  prerelease' : ''}\n`);
    return 0;
  },
};
