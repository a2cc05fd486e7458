/** The strict IPv4/IPv6 address or CIDR every config field that names addresses takes. */
import * as z from 'zod';
import { tryParsePrefix } from '../banset/address.js';

export const cidr = z.string().refine((v) => typeof tryParsePrefix(v) !== 'string', {
  error: (issue) => `${JSON.stringify(issue.input)} is not a strict IPv4/IPv6 address or CIDR`,
});
