import { formatDiagnostic, isNexusError } from '../errors.js';
import type { CliIO } from './command.js';
import { commands } from './commands/index.js';

async function help(): Promise<string> {
  const all = await Promise.all(Object.values(commands).map((load) => load()));
  const width = Math.max(...all.map((c) => c.name.length), 4);
  const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: nexus <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'nexus <command> --help' for a command's options.\n`;
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(await help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write('nexus 0.1.0\n');
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.stderr.write(`nexus: unknown command '${name}'\n\n${await help()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isNexusError(e)) {
      for (const d of e.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      if (e.message) io.stderr.write(`nexus ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    // Not a user mistake: a bug of ours, so the stack is worth having.
    io.stderr.write(`nexus ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
