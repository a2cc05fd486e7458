/**
 * Tests that drive a real system tool (nft, ipset, iptables-restore, sshd, python3) skip with a
 * visible reason on a machine without it, but fail in CI (CI=true), where .ci/run installs every
 * one of them: a missing install step must turn CI red, not quietly shrink the suite.
 */
export function skipWhen(context: Mocha.Context, reason: string | undefined): void {
  if (reason === undefined) return;
  if (process.env.CI) throw new Error(`required in CI but unavailable: ${reason} (see .ci/run)`);
  console.log(`      (skipped: ${reason})`);
  context.skip();
}
