/**
 * serve's worker threads (render and sync) yield the CPU to the event loop that answers polls. On
 * Linux a nice value belongs to a thread, not to the process (setpriority(2), NOTES: "under the
 * current Linux/NPTL implementation of POSIX threads, the nice value is a per-thread attribute"),
 * so os.setPriority() with no pid, called in a worker, lowers that worker alone. A rebuild on a
 * busy two-core machine then takes the CPU the pollers leave instead of the other way round.
 * Elsewhere the same call would lower the whole process, so it is made on Linux only.
 * https://nodejs.org/api/os.html#ossetprioritypid-priority https://man7.org/linux/man-pages/man2/setpriority.2.html
 */
import { constants, setPriority } from 'node:os';

export function yieldToEventLoop(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(constants.priority.PRIORITY_LOW);
  } catch {
    // A sandbox that forbids it leaves the thread at the process's priority: slower polls, same results.
  }
}
