/**
 * Option fields of the alias-definition writers (pfsense-alias-xml, opnsense-alias-json): the
 * feed URL the firewall polls and a description that is safe in XML CDATA, JSON and device GUIs.
 */
import * as z from 'zod';

/** http(s) only, with a host. Userinfo is allowed: pfSense has no other way to send credentials. */
export const feedUrlOption = z.string().refine(
  (text) => {
    if (/[\s"'<>\\]/.test(text)) return false;
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'url must be an absolute http:// or https:// URL without spaces or quotes' },
);

/** Printable text without markup or "]" (so never "]]>", which would end a CDATA section). */
export function descriptionOption(fallback: string) {
  return (
    z
      .string()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the class exists to refuse control characters
      .regex(/^[^\u0000-\u001f\u007f<>\]]{0,200}$/, 'description must be up to 200 printable characters without <, > or ]')
      .default(fallback)
  );
}
