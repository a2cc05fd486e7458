/**
 * `push` on a terminal: which step each device's job is at (connecting, reading, applying,
 * verifying) and how many devices are done, on the status line (src/cli/status-line.ts), redrawn
 * the moment a step begins. The summary table follows when every device is done.
 */
import type { PushPhase } from '../push/driver.js';
import type { DeviceResult } from '../fleet/device-result.js';
import type { StatusLine } from './status-line.js';

export class PushProgress {
  /** Devices at work now, in the order they started, with their current step. */
  private readonly phases = new Map<string, PushPhase>();
  private done = 0;

  constructor(
    private readonly line: Pick<StatusLine, 'show' | 'clear'>,
    private readonly total: number,
  ) {}

  readonly onPhase = (device: string, phase: PushPhase): void => {
    this.phases.set(device, phase);
    this.draw();
  };

  readonly onResult = (result: DeviceResult, done: number): void => {
    this.phases.delete(result.device);
    this.done = done;
    this.draw();
  };

  finish(): void {
    this.line.clear();
  }

  private draw(): void {
    const active = [...this.phases].map(([device, phase]) => `${device}: ${phase}`).join(', ');
    this.line.show(`push: ${this.done}/${this.total} done${active === '' ? '' : `; ${active}`}`);
  }
}
