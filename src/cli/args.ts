import { parseArgs, type ParseArgsConfig } from 'node:util';
import { NexusError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` with usage errors turned into a NexusError (exit 2) that names the argument
 * (the CLI puts `nexus COMMAND:` before it) and points at the command's help.
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/^[A-Z_]+: /, '') : String(e);
    throw new NexusError('USAGE', `${message} (see 'nexus ${command} --help')`, { exitCode: 2 });
  }
}

/** Splits `NAME=VALUE`; the argument name is used in the error when the `=` is missing. */
export function splitAssignment(flag: string, text: string, allowBare = false): [string, string | undefined] {
  const eq = text.indexOf('=');
  if (eq < 0) {
    if (allowBare && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return [text, undefined];
    throw new NexusError('USAGE', `${flag} ${JSON.stringify(text)}: expected NAME=VALUE`, { exitCode: 2 });
  }
  const name = text.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
    throw new NexusError('USAGE', `${flag} ${JSON.stringify(text)}: ${JSON.stringify(name)} is not a valid name`, { exitCode: 2 });
  }
  return [name, text.slice(eq + 1)];
}
