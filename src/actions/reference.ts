/** What a step's `uses:` names: a local folder, a container image, or `owner/repo[/path]@ref`. */
import { NexusError } from '../errors.js';

export type ActionReference =
  | { kind: 'local'; path: string; text: string }
  | { kind: 'docker'; image: string; text: string }
  | { kind: 'remote'; owner: string; repo: string; path: string; ref: string; text: string };

export function parseActionReference(uses: string): ActionReference {
  const text = uses.trim();
  if (text.startsWith('./') || text === '.') return { kind: 'local', path: text, text };
  if (text.startsWith('docker://')) return { kind: 'docker', image: text.slice('docker://'.length), text };
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@]+)?)@(.+)$/.exec(text);
  if (!m) throw new NexusError('ACTION_REFERENCE', `'uses: ${uses}' is not an action reference: expected ./path, docker://image or owner/repo[/path]@ref`);
  return { kind: 'remote', owner: m[1], repo: m[2], path: m[3].replace(/^\//, ''), ref: m[4], text };
}

/** `actions/cache/restore` for `actions/cache/restore@v4`: the name built-ins are looked up by. */
export function actionName(ref: Extract<ActionReference, { kind: 'remote' }>): string {
  return [ref.owner, ref.repo, ref.path].filter(Boolean).join('/').toLowerCase();
}
