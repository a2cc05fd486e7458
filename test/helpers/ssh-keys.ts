/**
 * Throwaway ed25519 key pairs for the SSH simulators, the SSH tests and the push bench, valid
 * every time. ssh2's own `utils.generateKeyPairSync('ed25519')` strips every leading zero byte of
 * the 32-byte public key, so about 1 key in 256 is one ssh2 itself then refuses ("Malformed
 * OpenSSH private key"; mscdex/ssh2 issues #1390 and #1513). Here node:crypto derives the key and
 * the OpenSSH encoding is written with fixed field sizes, as PROTOCOL.key in openssh-portable
 * ("openssh-key-v1", cipher and KDF "none") and RFC 8709 §4 (the `ssh-ed25519` blob) lay it out.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted. */
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment`, as in authorized_keys. */
  publicKey: string;
}

const KEY_TYPE = 'ssh-ed25519';

/**
 * The seed is drawn here and node:crypto derives the public key, rather than generateKeyPairSync
 * and a JWK export: Node 20 can deadlock exporting a freshly generated key as JWK when a garbage
 * collection during the export frees the job that generated it (this suite hung so, the main
 * thread waiting forever on a mutex in ~KeyGenJob under ExportJWKEdKey). RFC 8410 fixes both DER
 * forms: PKCS#8 is these 16 bytes then the 32-byte seed; SPKI is 12 bytes then the public key.
 */
const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_KEY_OFFSET = 12;

/** An SSH wire-format `string`: uint32 length, then the bytes. */
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** A fresh ed25519 key pair whose public key always keeps its full 32 bytes. */
export function generateEd25519KeyPair(comment = 'apiban-test'): SshKeyPair {
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const pub = spki.subarray(SPKI_KEY_OFFSET);
  if (pub.length !== 32) throw new Error(`node:crypto derived an ed25519 public key of ${pub.length} bytes`);
  const blob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE();
  const secret = Buffer.concat([uint32(check), uint32(check), blob, sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  // The private section is padded with 1, 2, 3... up to the cipher block size (8 for "none").
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(blob),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) as string[];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `${KEY_TYPE} ${blob.toString('base64')} ${comment}`,
  };
}
