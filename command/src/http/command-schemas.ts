import { ClockTime, TimeZone, Weekday } from '@parley/events';
import { errorResponses, LogPosition } from '@parley/kit';
import { z } from 'zod';

/** The command API's wire formats: validation, types and OpenAPI from one place. */

export const errors = errorResponses(400, 401, 403, 404, 409, 422);

export const Written = z.object({ position: LogPosition, events: z.array(z.string()).describe('Types of the events appended (empty: nothing changed)') });
export const Name = z.string().trim().min(1).max(200);
export const Email = z.email().max(320);
export const Id = z.uuid();

export const UserParams = z.object({ id: Id.describe('User id') });
export const ConversationParams = z.object({ id: z.string().describe('Conversation id') });
export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().min(8).max(200).optional().describe('Retries with the same key store nothing twice'),
});
export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_\-:. ]+$/u, 'letters, digits, spaces and _-:. only');

const Seconds = z
  .number()
  .int()
  .min(1)
  .max(366 * 24 * 3600);
export const SlaPolicyBody = z.strictObject({
  firstResponseSeconds: Seconds.describe('Target from the start of a wait to the first human reply'),
  nextResponseSeconds: Seconds.nullable().default(null).describe('Target for later waits in the conversation; null: no target'),
  resolutionSeconds: Seconds.describe('Target from opened to (last) close'),
});
export const BusinessHoursBody = z.strictObject({
  timeZone: TimeZone,
  periods: z
    .array(z.strictObject({ day: Weekday.describe('0 = Monday … 6 = Sunday'), open: ClockTime, close: ClockTime }))
    .max(100)
    .describe('Open periods; close not after open runs overnight into the next day'),
  holidays: z.array(z.iso.date()).max(1000).default([]).describe('Local dates closed all day'),
});
