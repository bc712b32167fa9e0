import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../errors.js';

/** AES-256-GCM with a fresh 12-byte IV per value; stored as `v1:iv:tag:ciphertext` (base64). */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new NexusError('SECRET_KEY', 'the secret key must be 32 bytes');
  }
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    // Binding the context (project/environment/name) stops a sealed value being moved to another slot.
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }
  /** HMAC-SHA256 of `message` under a key derived for `purpose`, so no derived value opens a secret. */
  mac(purpose: string, message: string): string {
    const key = createHmac('sha256', this.key).update(`nexus-mac:${purpose}`).digest();
    return createHmac('sha256', key).update(message).digest('base64url');
  }
  open(sealed: string, context: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1') throw new NexusError('SECRET_FORMAT', `unknown sealed secret format ${version}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    } catch (e) {
      throw new NexusError('SECRET_KEY', 'a stored secret cannot be decrypted: NEXUS_SECRET_KEY is not the key it was sealed with', { cause: e });
    }
  }
}

/**
 * The key comes from NEXUS_SECRET_KEY (64 hex chars or base64 of 32 bytes; any other text is hashed to 32
 * bytes), else from `secret.key` in the data folder, created with mode 0600 on first use. Replicas sharing
 * one PostgreSQL must share NEXUS_SECRET_KEY.
 */
export function loadSecretKey(env: NodeJS.ProcessEnv, dataDir: string): Buffer {
  const text = env.NEXUS_SECRET_KEY?.trim();
  if (text) {
    if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
    const b64 = Buffer.from(text, 'base64');
    if (b64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(text)) return b64;
    return createHash('sha256').update(text).digest();
  }
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file); // fails if another process made the key first: then theirs is the key
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}
