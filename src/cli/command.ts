/** The shape every `nexus` sub-command has; `main.ts` dispatches on `name`. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit status: 0 success, 1 failure, 2 usage or validation error. */
  run(args: string[], io: CliIO): Promise<number>;
}
