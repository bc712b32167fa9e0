/**
 * Reading a YAML document node by node so every complaint can name `file:line:col`. The `yaml` package keeps
 * source ranges on nodes; a LineCounter turns those offsets into positions.
 */
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node, type Document } from 'yaml';
import { NexusError, type Diagnostic } from '../errors.js';

export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines = new LineCounter();
  readonly document: Document;

  constructor(readonly file: string, source: string) {
    this.document = parseDocument(source, { lineCounter: this.lines, prettyErrors: false });
    for (const e of this.document.errors) {
      const pos = this.lines.linePos(e.pos[0]);
      this.diagnostics.push({ file, line: pos.line, col: pos.col, code: 'YAML_SYNTAX', message: e.message.split('\n')[0] });
    }
  }

  get root(): Node | null {
    return this.document.contents as Node | null;
  }

  problem(node: Node | null | undefined, message: string): void {
    const offset = node?.range?.[0];
    const pos = offset === undefined ? undefined : this.lines.linePos(offset);
    this.diagnostics.push({ file: this.file, line: pos?.line ?? 1, col: pos?.col ?? 1, code: 'CONFIG_INVALID', message });
  }

  /** The `key -> value node` entries of a mapping (reporting a non-mapping), keys kept with their nodes. */
  entries(node: Node | null | undefined, what: string): Array<[string, Node | null, Node]> {
    if (node == null) return [];
    if (!isMap(node)) {
      this.problem(node, `${what} must be a mapping`);
      return [];
    }
    const out: Array<[string, Node | null, Node]> = [];
    for (const pair of node.items) {
      const key = pair.key as Node;
      out.push([String(isScalar(key) ? key.value : key), (pair.value as Node | null) ?? null, key]);
    }
    return out;
  }

  string(node: Node | null, what: string): string | undefined {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
    this.problem(node, `${what} must be a string`);
    return undefined;
  }

  boolean(node: Node | null, what: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.problem(node, `${what} must be true or false`);
    return undefined;
  }

  scalar(node: Node | null, what: string): string | number | undefined {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return node.value;
    this.problem(node, `${what} must be a number or a string`);
    return undefined;
  }

  /** A list of strings; a single string is accepted as a list of one. */
  strings(node: Node | null, what: string): string[] {
    if (isScalar(node) && typeof node.value === 'string') return [node.value];
    if (!isSeq(node)) {
      this.problem(node, `${what} must be a list of strings`);
      return [];
    }
    const out: string[] = [];
    for (const item of node.items as Node[]) {
      const s = this.string(item, `each entry of ${what}`);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  items(node: Node | null, what: string): Node[] {
    if (!isSeq(node)) {
      this.problem(node, `${what} must be a list`);
      return [];
    }
    return node.items as Node[];
  }

  /** Throws every problem found so far as one NexusError (exit 2). */
  finish(summary: string): void {
    if (this.diagnostics.length) throw new NexusError('CONFIG_INVALID', summary, { diagnostics: this.diagnostics, exitCode: 2 });
  }
}
