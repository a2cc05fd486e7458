/**
 * What a device's terminal adds to the text it prints: pager prompts when paging could not be
 * switched off (or a login script turned it back on) and ANSI escapes. The SSH session answers
 * the prompts as they arrive (src/push/cli-session.ts); the dialect parsers remove what is left
 * in captured output (device-output.ts). One list, so the two cannot drift apart.
 */

/** IOS prints " --More-- " and erases it with backspaces, spaces and backspaces. */
const IOS_PAGER = '--More--';
/** ASA prints "<--- More --->" and erases it with CR, spaces, CR. */
const ASA_PAGER = '<--- More --->';
/** Junos prints "---(more 45%)---" and erases it like ASA. */
const JUNOS_PAGER = String.raw`---\(more(?: \d+%)?\)---`;

/** A pager prompt at the end of the output received so far: the device waits for a key. */
export const PAGER_PROMPT = new RegExp(`(${IOS_PAGER}|${ASA_PAGER}|${JUNOS_PAGER})\\s*$`);

/**
 * Each pager prompt with its exact erase sequence, so the leading space of the next member line
 * survives the clean-up.
 */
export const PAGER_ARTEFACTS: readonly RegExp[] = [
  new RegExp(String.raw` ?${IOS_PAGER} ?(?:\x08+ *\x08+)?`, 'g'),
  new RegExp(String.raw`${ASA_PAGER}(?:\r *\r)?`, 'g'),
  new RegExp(String.raw`${JUNOS_PAGER}(?:\r *\r)?`, 'g'),
];

/** CSI sequences (colour, cursor), character-set selection and keypad mode switches. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of terminal escape sequences is the point
export const ANSI_ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g;
