/** `nexus actions add|list|remove`: the store remote actions are run from when the network cannot provide them. */
import { NexusError } from '../../errors.js';
import { ActionStore, defaultActionStore } from '../../actions/store.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { resolve } from 'node:path';

export const actionsCommand: Command = {
  name: 'actions',
  summary: 'Manage the action store (owner/repo@ref checkouts used by uses: steps)',
  usage: `nexus actions add OWNER/REPO@REF --from PATH [--action-cache DIR]
       nexus actions list [--action-cache DIR]
       nexus actions remove OWNER/REPO@REF [--action-cache DIR]`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('actions', args, { from: { type: 'string' }, 'action-cache': { type: 'string' } });
    const store = new ActionStore(values['action-cache'] ? resolve(io.cwd, values['action-cache']) : defaultActionStore(io.env));
    const [sub, spec, ...rest] = positionals;
    if (rest.length) throw new NexusError('USAGE', `nexus actions: unexpected ${rest.join(' ')}`, { exitCode: 2 });
    switch (sub) {
      case 'add': {
        if (!spec || !values.from) throw new NexusError('USAGE', 'nexus actions add: expected OWNER/REPO@REF --from PATH', { exitCode: 2 });
        const added = store.add(spec, resolve(io.cwd, values.from));
        io.stdout.write(`added ${added.owner}/${added.repo}@${added.ref} (${added.dir})\n`);
        return 0;
      }
      case 'list': {
        const all = store.list();
        if (all.length === 0) io.stdout.write(`no actions in ${store.root}\n`);
        for (const a of all) io.stdout.write(`${a.owner}/${a.repo}@${a.ref}  ${a.dir}\n`);
        return 0;
      }
      case 'remove': {
        if (!spec) throw new NexusError('USAGE', 'nexus actions remove: expected OWNER/REPO@REF', { exitCode: 2 });
        if (!store.remove(spec)) {
          io.stderr.write(`nexus actions remove: ${spec} is not in ${store.root}\n`);
          return 1;
        }
        io.stdout.write(`removed ${spec}\n`);
        return 0;
      }
      default:
        throw new NexusError('USAGE', `nexus actions: expected add, list or remove${sub ? `, got '${sub}'` : ''}`, { exitCode: 2 });
    }
  },
};
