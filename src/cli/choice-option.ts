/**
 * An option that takes one of a few names (`--target`, `--log-level`): a wrong value is one
 * `--option: problem` line with the closest name (exit 2, README "Exit codes"), not commander's
 * usage error followed by the whole help.
 */
import { Option } from 'commander';
import { didYouMean } from '../did-you-mean.js';
import { OptionValueError } from '../errors.js';

export function choiceOption(flags: string, description: string, choices: readonly string[], what: string, hint?: string): Option {
  const option = new Option(flags, description).choices(choices);
  const name = option.long ?? flags;
  return option.argParser((value: string) => {
    if (choices.includes(value)) return value;
    const known = hint ?? `one of ${choices.join(', ')}`;
    throw new OptionValueError(name, `${JSON.stringify(value)} is not a ${what}${didYouMean(value, choices)} (${known})`);
  });
}
