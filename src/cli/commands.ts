/** The commands, one file each; adding one is a file plus a line here. */
import type { Command } from 'commander';
import { register as registerTargets } from './targets.js';
import { register as registerConfig } from './config.js';
import { register as registerExport } from './export.js';
import { register as registerServe } from './serve.js';
import { register as registerPush } from './push.js';
import { register as registerSync } from './sync.js';
import { register as registerCheck } from './check.js';
import { register as registerHistory } from './history.js';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [registerTargets, registerConfig, registerExport, registerServe, registerPush, registerSync, registerCheck, registerHistory];
