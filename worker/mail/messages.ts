/** What travels on the mail queue. Each message that becomes a mail names its idempotency key. */
import { z } from 'zod';

const NewIpSeen = z.object({ ip: z.string(), at: z.number(), model: z.string() });
export type NewIpSeen = z.infer<typeof NewIpSeen>;

export const MailMessage = z.discriminatedUnion('type', [
  /** A PUT /api/pricing changed prices: fan out one `price_user` per subscriber. */
  z.object({ type: z.literal('price_fanout'), batch: z.string(), base: z.string().nullable() }),
  z.object({ type: z.literal('price_user'), batch: z.string(), userId: z.number().int(), base: z.string().nullable() }),
  z.object({
    type: z.literal('new_ip'),
    key: z.string(),
    userId: z.number().int(),
    tokenId: z.number().int(),
    ips: z.array(NewIpSeen).min(1),
    base: z.string().nullable(),
  }),
  z.object({
    type: z.literal('low_balance'),
    key: z.string(),
    userId: z.number().int(),
    balance: z.number(),
    threshold: z.number(),
    base: z.string().nullable(),
  }),
  /** `email`: the pending address the link confirms (older messages name none: the current pending one). */
  z.object({
    type: z.literal('verify'),
    key: z.string(),
    userId: z.number().int(),
    email: z.string().optional(),
    base: z.string().nullable(),
  }),
  z.object({ type: z.literal('reset'), key: z.string(), userId: z.number().int(), base: z.string().nullable() }),
]);
export type MailMessage = z.infer<typeof MailMessage>;

/** The notice a message becomes, named by its idempotency key (none for a fan-out). */
export function noticeKeyOf(m: MailMessage): string | null {
  if (m.type === 'price_fanout') return null;
  if (m.type === 'price_user') return `price:${m.batch}:${m.userId}`;
  return m.key;
}
