/**
 * What starting needs of the files and directories a configuration names, checked without
 * changing anything: readable files, a state directory that exists or can be created and is
 * writable, and secret files closed to group and others (OpenSSH refuses a private key whose
 * mode has any of 0077 set, "UNPROTECTED PRIVATE KEY FILE"; sshd(8) and ssh(1), FILES).
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorDetail } from '../errors.js';

/** Fields whose value is the path of a file holding a secret. */
export const SECRET_FILE_FIELDS = ['passwordFile', 'tokenFile', 'tokensFile', 'privateKeyFile', 'keyFile'] as const;

/** `path (mode 0644) is readable by group and others; chmod 600 path`, or undefined when closed (or missing). */
export function openModeWarning(path: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  const who = [mode & 0o070 ? 'group' : '', mode & 0o007 ? 'others' : ''].filter(Boolean).join(' and ');
  return `${path} is open to ${who} (mode 0${mode.toString(8)}); chmod 600 ${path}`;
}

/** Why the file cannot be read, or undefined. */
export function unreadable(path: string): string | undefined {
  try {
    readFileSync(path);
    return undefined;
  } catch (error) {
    return `cannot read ${path} (${errorDetail(error)})`;
  }
}

/** Why a PEM certificate file cannot serve as a CA, or undefined. */
export function notCaFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----') ? undefined : `${path} holds no PEM certificate`;
  } catch (error) {
    return `cannot read ${path} (${errorDetail(error)})`;
  }
}

/**
 * Why `dir` cannot be the state directory: not a directory, under a regular file, or not writable
 * (itself, or the nearest existing parent it would be created in). Nothing is created.
 */
export function unusableDirectory(dir: string): string | undefined {
  const target = resolve(dir);
  for (let probe = target; ; probe = dirname(probe)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(probe).isDirectory();
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorDetail(error)) && dirname(probe) !== probe) continue;
      return `cannot use ${dir} (${errorDetail(error)} on ${probe})`;
    }
    if (!isDirectory) return probe === target ? `${dir} is not a directory` : `cannot create ${dir}: ${probe} is a file, not a directory`;
    try {
      accessSync(probe, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (error) {
      return probe === target
        ? `${dir} is not writable (${errorDetail(error)})`
        : `cannot create ${dir} in ${probe} (${errorDetail(error)})`;
    }
  }
}
