/**
 * Recorded device transcripts live in fixtures/devices/<target>/<command-as-filename>.txt, with an
 * optional `.<variant>` before `.txt` for other states of the same device (paged, empty, ...).
 */
import { readFileSync } from 'node:fs';
import { fixture } from './paths.js';

/** `show running-config | section ^object-group` -> `show-running-config-section-object-group`. */
export function commandFileName(command: string): string {
  return command
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function transcriptPath(target: string, command: string, variant?: string): string {
  return fixture('devices', target, `${commandFileName(command)}${variant === undefined ? '' : `.${variant}`}.txt`);
}

export function readTranscript(target: string, command: string, variant?: string): string {
  return readFileSync(transcriptPath(target, command, variant), 'utf8');
}
