/**
 * Whether a Node loads ssh2's optional native crypto binding. ssh2 builds it when it is installed,
 * for the Node that ran the install (its README: optional, "automatically built and used if
 * possible"); any other Node line cannot load that build and ssh2 falls back to its JavaScript
 * ciphers, which on the development machine made each push over SSH about 0.6 s longer. A figure
 * of an SSH push is only comparable with the binding's state next to it. The file's place inside
 * the package is ssh2's own layout, not an API: this is a bench diagnostic, nothing in src/ asks.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const BINDING = join(dirname(createRequire(import.meta.url).resolve('ssh2')), 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node');

/** "loads", or why not, for `node`. */
export function ssh2BindingState(node: string): string {
  const result = spawnSync(node, ['-e', `require(${JSON.stringify(BINDING)})`], { encoding: 'utf8' });
  if (result.status === 0) return 'loads';
  return /Cannot find module/.test(result.stderr) ? 'not built' : 'built for another Node';
}
