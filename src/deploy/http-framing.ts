/**
 * Just enough HTTP/1.1 parsing for a byte-forwarding proxy: where a request or response head ends, where its
 * body ends (Content-Length, chunked, or at close), the status and whether the connection stays open. Bodies
 * are never copied or decoded, only measured, so forwarding stays one read and one write per direction.
 */
const HEAD_END = Buffer.from('\r\n\r\n');
/** A head larger than this is refused (Node's own limit is 16 KiB; be a little more generous). */
export const MAX_HEAD_BYTES = 64 * 1024;

export type BodyKind = 'none' | 'length' | 'chunked' | 'close';

export interface MessageHead {
  /** Offset just past the blank line that ends the head. */
  end: number;
  body: BodyKind;
  /** Body length when `body` is 'length'. */
  length: number;
  /** The connection closes after this message (Connection: close, or HTTP/1.0 without keep-alive). */
  close: boolean;
}

export interface RequestHead extends MessageHead {
  method: string;
  /** Asks to switch protocols (Upgrade header with Connection: upgrade). */
  upgrade: boolean;
}

export interface ResponseHead extends MessageHead {
  status: number;
}

export class FramingError extends Error {}

interface Fields {
  contentLength: number;
  chunked: boolean;
  transferEncoding: boolean;
  connection: string;
  upgrade: boolean;
}

/** Reads the header lines of `head` (a latin1 string) after the start line. */
function fields(head: string, from: number): Fields {
  const f: Fields = { contentLength: -1, chunked: false, transferEncoding: false, connection: '', upgrade: false };
  let pos = from;
  while (pos < head.length) {
    let eol = head.indexOf('\r\n', pos);
    if (eol < 0) eol = head.length;
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > eol) throw new FramingError('header line without a colon');
    const nameLength = colon - pos;
    // Only a few headers matter; compare lengths before lower-casing anything.
    if (nameLength === 14 || nameLength === 17 || nameLength === 10 || nameLength === 7) {
      const name = head.slice(pos, colon).toLowerCase();
      const value = head.slice(colon + 1, eol).trim();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value)) throw new FramingError(`bad Content-Length '${value}'`);
        const n = Number(value);
        if (f.contentLength >= 0 && f.contentLength !== n) throw new FramingError('conflicting Content-Length headers');
        f.contentLength = n;
      } else if (name === 'transfer-encoding') {
        f.transferEncoding = true;
        f.chunked = /(^|,)\s*chunked\s*$/i.test(value);
      } else if (name === 'connection') {
        f.connection += `${value.toLowerCase()},`;
      } else if (name === 'upgrade') {
        f.upgrade = true;
      }
    }
    pos = eol + 2;
  }
  return f;
}

function closes(version: string, connection: string): boolean {
  if (/(^|[\s,])close,/.test(connection)) return true;
  return version === 'HTTP/1.0' && !/(^|[\s,])keep-alive,/.test(connection);
}

function headText(buf: Buffer, from: number): { text: string; end: number } | undefined {
  const at = buf.indexOf(HEAD_END, from);
  if (at < 0) {
    if (buf.length - from > MAX_HEAD_BYTES) throw new FramingError('head too large');
    return undefined;
  }
  if (at - from > MAX_HEAD_BYTES) throw new FramingError('head too large');
  return { text: buf.toString('latin1', from, at), end: at + 4 };
}

/** The request head starting at `from`, undefined while incomplete; throws FramingError on a malformed one. */
export function parseRequestHead(buf: Buffer, from = 0): RequestHead | undefined {
  // Tolerate blank lines before a request (RFC 9112 section 2.2).
  while (buf[from] === 13 || buf[from] === 10) from++;
  const h = headText(buf, from);
  if (!h) return undefined;
  const lineEnd = h.text.indexOf('\r\n');
  const line = lineEnd < 0 ? h.text : h.text.slice(0, lineEnd);
  const sp = line.indexOf(' ');
  const version = line.slice(line.lastIndexOf(' ') + 1);
  if (sp <= 0 || (version !== 'HTTP/1.1' && version !== 'HTTP/1.0')) throw new FramingError(`bad request line '${line.slice(0, 80)}'`);
  const f = fields(h.text, lineEnd < 0 ? h.text.length : lineEnd + 2);
  if (f.transferEncoding && !f.chunked) throw new FramingError('request Transfer-Encoding without chunked as the last coding');
  // Both framings at once is how requests are smuggled past proxies that pick another one than the service.
  if (f.transferEncoding && f.contentLength >= 0) throw new FramingError('request with both Transfer-Encoding and Content-Length');
  const body: BodyKind = f.chunked ? 'chunked' : f.contentLength > 0 ? 'length' : 'none';
  return { end: h.end, method: line.slice(0, sp), body, length: f.chunked ? 0 : Math.max(0, f.contentLength), close: closes(version, f.connection), upgrade: f.upgrade && f.connection.includes('upgrade') };
}

/** The response head starting at `from` for a request made with `method`, undefined while incomplete. */
export function parseResponseHead(buf: Buffer, method: string, from = 0): ResponseHead | undefined {
  const h = headText(buf, from);
  if (!h) return undefined;
  const lineEnd = h.text.indexOf('\r\n');
  const line = lineEnd < 0 ? h.text : h.text.slice(0, lineEnd);
  const version = line.slice(0, 8);
  const status = Number(line.slice(9, 12));
  if ((version !== 'HTTP/1.1' && version !== 'HTTP/1.0') || line[8] !== ' ' || !Number.isInteger(status) || status < 100) throw new FramingError(`bad status line '${line.slice(0, 80)}'`);
  const f = fields(h.text, lineEnd < 0 ? h.text.length : lineEnd + 2);
  let body: BodyKind;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) body = 'none';
  else if (f.chunked) body = 'chunked';
  else if (f.transferEncoding) body = 'close';
  else if (f.contentLength >= 0) body = f.contentLength > 0 ? 'length' : 'none';
  else body = 'close';
  return { end: h.end, status, body, length: body === 'length' ? f.contentLength : 0, close: body === 'close' || closes(version, f.connection) };
}

const enum Chunk {
  Size,
  SizeExtension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  Trailer,
  TrailerLf,
}

/**
 * Follows one message body across reads. `consume` returns the offset in `buf` just past the body's end, or -1
 * when the whole of `buf` belongs to the body and more is to come.
 */
export class BodyTracker {
  private remaining: number;
  private state = Chunk.Size;
  private sizeDigits = 0;
  private lineLength = 0;

  constructor(private readonly kind: BodyKind, length = 0) {
    this.remaining = length;
  }

  consume(buf: Buffer, from = 0): number {
    switch (this.kind) {
      case 'none':
        return from;
      case 'close':
        return -1;
      case 'length': {
        const available = buf.length - from;
        if (available < this.remaining) {
          this.remaining -= available;
          return -1;
        }
        const end = from + this.remaining;
        this.remaining = 0;
        return end;
      }
      case 'chunked':
        return this.chunked(buf, from);
    }
  }

  private chunked(buf: Buffer, from: number): number {
    let i = from;
    while (i < buf.length) {
      const c = buf[i];
      switch (this.state) {
        case Chunk.Size: {
          const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (digit >= 0) {
            if (++this.sizeDigits > 12) throw new FramingError('chunk size too large');
            this.remaining = this.remaining * 16 + digit;
          } else if (this.sizeDigits === 0) throw new FramingError('chunk size missing');
          else if (c === 13) this.state = Chunk.SizeLf;
          else if (c === 59 || c === 32 || c === 9) this.state = Chunk.SizeExtension;
          else throw new FramingError('bad chunk size');
          i++;
          break;
        }
        case Chunk.SizeExtension:
          if (c === 13) this.state = Chunk.SizeLf;
          i++;
          break;
        case Chunk.SizeLf:
          if (c !== 10) throw new FramingError('chunk size line not ended by CRLF');
          i++;
          this.sizeDigits = 0;
          if (this.remaining === 0) {
            this.state = Chunk.Trailer;
            this.lineLength = 0;
          } else this.state = Chunk.Data;
          break;
        case Chunk.Data: {
          const take = Math.min(this.remaining, buf.length - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = Chunk.DataCr;
          break;
        }
        case Chunk.DataCr:
          if (c !== 13) throw new FramingError('chunk data not followed by CRLF');
          this.state = Chunk.DataLf;
          i++;
          break;
        case Chunk.DataLf:
          if (c !== 10) throw new FramingError('chunk data not followed by CRLF');
          this.state = Chunk.Size;
          i++;
          break;
        case Chunk.Trailer:
          // Trailer lines until an empty one ends the message.
          if (c === 13) this.state = Chunk.TrailerLf;
          else this.lineLength++;
          i++;
          break;
        case Chunk.TrailerLf:
          if (c !== 10) throw new FramingError('trailer line not ended by CRLF');
          i++;
          if (this.lineLength === 0) return i;
          this.lineLength = 0;
          this.state = Chunk.Trailer;
          break;
      }
    }
    return -1;
  }
}
