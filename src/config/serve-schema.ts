/** The `serve:` section (owned by the serve command; see src/serve). */
import { z } from 'zod';

export const serveSchema = z.strictObject({
  listen: z.string().default('127.0.0.1:8080'),
});
