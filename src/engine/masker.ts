/**
 * Replaces every secret (and every `::add-mask::` value) with `***`. Values are also masked in the
 * encodings a process commonly prints them in (JSON string, URI, base64), and each line of a
 * multi-line value is registered on its own so output that is split into lines stays masked.
 */
const MIN_PART_LENGTH = 3;

export class Masker {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;

  add(value: string | undefined): void {
    if (!value) return;
    const candidates = [value, ...value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= MIN_PART_LENGTH)];
    for (const v of candidates) {
      for (const encoded of encodings(v)) if (encoded.length > 0 && !this.values.has(encoded)) {
        this.values.add(encoded);
        this.pattern = null;
      }
    }
  }

  get size(): number {
    return this.values.size;
  }

  mask(text: string): string {
    if (this.values.size === 0 || text.length === 0) return text;
    if (!this.pattern) {
      // Longest first, so a value that contains another is masked whole.
      const sorted = [...this.values].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return text.replace(this.pattern, '***');
  }

  /** A masker with the same values, to which a job may add its own. */
  fork(): Masker {
    const m = new Masker();
    for (const v of this.values) m.values.add(v);
    return m;
  }
}

function encodings(value: string): string[] {
  const out = [value];
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) out.push(json);
  const uri = encodeURIComponent(value);
  if (uri !== value) out.push(uri);
  if (value.length >= MIN_PART_LENGTH) {
    // base64 of the value at each of the three byte alignments it can have inside a longer text:
    // keep only the characters that depend on the value's bytes alone.
    const bytes = Buffer.from(value);
    for (let shift = 0; shift < 3; shift++) {
      const unpadded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
      const start = [0, 2, 3][shift];
      const end = unpadded.length - ((shift + bytes.length) % 3 === 0 ? 0 : 1);
      if (end - start >= 4) out.push(unpadded.slice(start, end));
    }
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
