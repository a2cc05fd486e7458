/**
 * A throwaway network namespace for tests that touch the kernel (nftables, ipset): tables and
 * sets are per namespace, so the host's firewall is never touched. Needs root and iproute2.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export class NetworkNamespace {
  private constructor(readonly name: string) {}

  /** `ip netns add apiban-t-<pid>-<n>`; remove() deletes it. */
  static create(label = 't'): NetworkNamespace {
    const name = `apiban-${label}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
    execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
    return new NetworkNamespace(name);
  }

  /** Runs a command inside the namespace; throws with stderr on a non-zero exit. */
  run(command: string, args: string[], input?: string): string {
    return execFileSync('ip', ['netns', 'exec', this.name, command, ...args], { input, encoding: 'utf8', stdio: 'pipe' });
  }

  /** Like run, but returns the exit status and output instead of throwing. */
  tryRun(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('ip', ['netns', 'exec', this.name, command, ...args], { encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  remove(): void {
    spawnSync('ip', ['netns', 'del', this.name]);
  }
}

/** Why a namespace test cannot run here, or undefined when it can. */
export function netnsUnavailable(tools: string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for ip netns';
  for (const tool of ['ip', ...tools]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return undefined;
}
