/** The `push:` section (owned by the push command; see src/push). */
import { z } from 'zod';

export const pushSchema = z.strictObject({
  devices: z.array(z.unknown()).default([]),
});
