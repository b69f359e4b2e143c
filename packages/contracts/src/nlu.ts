import { z } from 'zod';

const Confidence = z.number().min(0).max(1);

/** Intent ids: lower-case words joined by dots (logistics.track); built-in ids are a public contract. */
export const IntentId = z
  .string()
  .max(80)
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/,
    'must be lower-case words joined by dots, e.g. shop.membership_card',
  );

const span = { start: z.number().int(), end: z.number().int(), text: z.string() };

/** An entity with UTF-16 offsets into the original message (`text.slice(start, end)`). */
export const NluEntity = z.discriminatedUnion('type', [
  z.object({ type: z.literal('order_id'), value: z.string(), ...span }),
  z.object({
    type: z.literal('tracking_number'),
    value: z.string(),
    carrier: z.string().optional(),
    ...span,
  }),
  z.object({ type: z.literal('phone'), value: z.string(), masked: z.string(), ...span }),
  z.object({ type: z.literal('amount'), value: z.number(), currency: z.literal('CNY'), ...span }),
  z.object({ type: z.literal('quantity'), value: z.number(), unit: z.string(), ...span }),
  z.object({
    type: z.literal('datetime'),
    value: z.string(),
    grain: z.enum(['minute', 'hour', 'day', 'week', 'month']),
    /** Inclusive last day of a range (上周, 月底). */
    rangeEnd: z.string().optional(),
    ...span,
  }),
  z.object({ type: z.literal('size'), value: z.string(), ...span }),
  z.object({ type: z.literal('color'), value: z.string(), ...span }),
  z.object({ type: z.literal('product'), value: z.string(), name: z.string(), ...span }),
  z.object({
    type: z.literal('address'),
    value: z.string(),
    level: z.enum(['province', 'city', 'district', 'detail']),
    ...span,
  }),
]);

/** What Kefu understood of one message (also one line of `kefu nlu predict --json`). */
export const NluResult = z.object({
  text: z.string(),
  intent: z.string(),
  confidence: Confidence,
  ranking: z.array(z.object({ intent: z.string(), confidence: Confidence })),
  entities: z.array(NluEntity),
  emotion: z.enum(['angry', 'anxious', 'disappointed', 'satisfied', 'neutral']),
  polarity: z.enum(['positive', 'negative', 'neutral']),
  negativity: Confidence,
});
export type NluResult = z.infer<typeof NluResult>;

export const NluIntent = z.object({
  intent: z.string(),
  name: z.string(),
  description: z.string(),
  builtin: z.boolean(),
  /** Built-in examples (files) plus this shop's own. */
  examples: z.number().int(),
  shopExamples: z.number().int(),
});
export type NluIntent = z.infer<typeof NluIntent>;

export const NluExample = z.object({
  id: z.string(),
  intent: z.string(),
  text: z.string(),
  createdAt: z.number().int(),
});
export type NluExample = z.infer<typeof NluExample>;

export const NluModelInfo = z.object({
  id: z.string(),
  version: z.number().int(),
  intents: z.number().int(),
  examples: z.number().int(),
  active: z.boolean(),
  warnings: z.array(z.string()),
  trainingSeconds: z.number(),
  createdAt: z.number().int(),
});
export type NluModelInfo = z.infer<typeof NluModelInfo>;

export const NluSettings = z.object({
  /** Top-intent confidence below which a message is treated as out_of_scope. */
  threshold: Confidence,
  /** null: the built-in model answers for this shop. */
  activeModelId: z.string().nullable(),
});
export type NluSettings = z.infer<typeof NluSettings>;
