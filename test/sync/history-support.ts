/** Replays a sync history from an empty set: what the events say the published set is now. */
import type { HistoryEvent } from '../../src/sync/history/event.js';
import { removedList } from '../../src/sync/history/event.js';

export function replayHistory(events: readonly HistoryEvent[]): string[] {
  const held = new Set<string>();
  for (const event of events) {
    for (const prefix of event.added) {
      if (held.has(prefix)) throw new Error(`event ${event.id} adds ${prefix} twice`);
      held.add(prefix);
    }
    for (const { prefix } of removedList(event)) {
      if (!held.delete(prefix)) throw new Error(`event ${event.id} removes ${prefix}, which no event added`);
    }
  }
  return [...held].sort();
}
