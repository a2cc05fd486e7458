/**
 * Host-key checks the way OpenSSH does them (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 * `[@marker] patterns keytype base64 [comment]`, patterns comma-separated with `*`/`?` wildcards
 * and `!` negation, `[host]:port` for a port other than 22, and hashed names
 * `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` (HashKnownHosts). `@revoked` keys are refused;
 * `@cert-authority` lines are ignored (we do not do certificates).
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority' | undefined;
  patterns: string[];
  keyType: string;
  key: Buffer;
}

/** What a known_hosts file says about one host's presented key. */
export type HostKeyVerdict = 'known' | 'changed' | 'unknown' | 'revoked';

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string inside the wire-format blob (`ssh-ed25519`, `ecdsa-sha2-nistp256` ...). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + Math.min(length, 64)).toString('latin1');
}

/** Normalizes a pinned fingerprint (with or without the `SHA256:` prefix and padding). */
export function normalizeFingerprint(text: string): string {
  const bare = text
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  return `SHA256:${bare}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? (fields.shift() as KnownHostEntry['marker']) : undefined;
    if (fields.length < 3) continue;
    const key = Buffer.from(fields[2], 'base64');
    if (key.length === 0) continue;
    entries.push({ marker, patterns: fields[0].split(','), keyType: fields[1], key });
  }
  return entries;
}

/** The name a known_hosts line uses for this host: bare on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function matchesHost(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (!matchesPattern(body, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function matchesPattern(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (salt === undefined || hash === undefined) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(name);
}

/**
 * `changed` when the file holds any key for this host but not the presented one: OpenSSH warns
 * about a different key type too, and we would rather refuse than guess.
 */
export function judgeHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  let seen = false;
  for (const entry of entries) {
    if (entry.marker === '@cert-authority' || !matchesHost(entry.patterns, name)) continue;
    const same = entry.key.equals(keyBlob);
    if (entry.marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    if (same) return 'known';
    seen = true;
  }
  return seen ? 'changed' : 'unknown';
}

export function readKnownHosts(file: string): KnownHostEntry[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : [];
}

/** Records a newly accepted key (`--accept-new-host-key`), creating the file (0600) when missing. */
export function appendKnownHost(file: string, host: string, port: number, keyBlob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  appendFileSync(file, `${separator}${knownHostsName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}
