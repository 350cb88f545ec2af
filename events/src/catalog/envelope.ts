import { z } from 'zod';

export const ActorType = z.enum(['customer', 'agent', 'supervisor', 'system', 'bot']);
export type ActorType = z.infer<typeof ActorType>;

export const Actor = z.object({
  type: ActorType,
  /** User id for agents and supervisors, wa_id/contact id for customers, a component name for system and bot. */
  id: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof Actor>;

/** The envelope every stored event carries next to its data. */
export const EventMetadata = z.object({
  eventId: z.uuid(),
  tenantId: z.uuid(),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  actor: Actor,
});
export type EventMetadata = z.infer<typeof EventMetadata>;
