import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Compares two strings in time that depends only on their lengths, never on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    // Still spend a comparison so a length mismatch is not measurably faster.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function hmacSha256Hex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export const MASTER_KEY_BYTES = 32;

/**
 * Keys derived from the master key: one for encryption, one for lookup hashes. A lookup hash is keyed,
 * so a stolen database cannot be searched for a known credential without the master key.
 */
export interface Keyring {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  lookupHash(purpose: string, value: string): string;
}

const VERSION = 'v1';

export function createKeyring(masterKey: Buffer): Keyring {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new Error(`master key must be ${MASTER_KEY_BYTES} bytes`);
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tollgate/encrypt/v1', 32));
  const lookupKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tollgate/lookup/v1', 32));
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
    },
    decrypt(ciphertext) {
      const [version, iv, body, tag] = ciphertext.split('.');
      if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
        throw new Error('unknown ciphertext format');
      }
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    lookupHash(purpose, value) {
      return hmacSha256Hex(lookupKey, `${purpose}\u0000${value}`);
    },
  };
}

/** Parses TOLLGATE_MASTER_KEY: 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length === MASTER_KEY_BYTES) return decoded;
  throw new Error('the master key must be 32 bytes, written as 64 hex characters or as base64');
}
