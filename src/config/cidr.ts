/** The strict IPv4/IPv6 address or CIDR every config field that names addresses takes. */
import * as z from 'zod';
import { tryParsePrefix } from '../banset/address.js';
import { describeInput } from '../plain-issues.js';

export const cidr = z
  .string()
  .refine((v) => typeof tryParsePrefix(v) !== 'string', {
    error: (issue) => `${JSON.stringify(issue.input)} is not a strict IPv4/IPv6 address or CIDR`,
  })
  .meta({ format: 'cidr' });

/** A list of addresses or CIDRs, named as such when something else is given. */
export const cidrList = z.array(cidr, {
  error: (issue) =>
    issue.code === 'invalid_type' ? `expected a list of CIDRs like [192.0.2.0/24], got ${describeInput(issue.input)}` : undefined,
});
