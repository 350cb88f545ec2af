'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { ApiError, callApi, SESSION_EXPIRED_PATH, sessionKey } from '@/lib/api';
import { getConfig } from '@/lib/config';

export interface ActionState {
  error: string | null;
}

const Id = z.uuid();
const optionalId = z.union([z.literal('').transform(() => null), Id]);
const Command = z.discriminatedUnion('command', [
  z.object({ command: z.literal('assign'), agentId: Id }),
  z.object({ command: z.literal('transfer'), toAgentId: optionalId, toTeamId: optionalId, note: z.string().trim().max(2000) }),
  z.object({
    command: z.literal('close'),
    reason: z.enum(['resolved', 'no_response', 'abandoned', 'spam', 'duplicate', 'transferred', 'other']),
    outcome: z.string().trim().max(64),
  }),
  z.object({ command: z.literal('notes'), body: z.string().trim().min(1, 'Write the note first.').max(10_000) }),
]);

const bodyOf = (c: z.infer<typeof Command>): Record<string, unknown> => {
  switch (c.command) {
    case 'assign':
      return { agentId: c.agentId };
    case 'transfer':
      return { toAgentId: c.toAgentId, toTeamId: c.toTeamId, note: c.note || null };
    case 'close':
      return { reason: c.reason, outcome: c.outcome || null };
    case 'notes':
      return { body: c.body };
  }
};

/**
 * A supervisor action on a conversation, through the command API with the session's key.
 * The form's idempotency key makes a double submit one command. Then the page reads again
 * at the command's position (read your writes), so it shows the change.
 */
export async function conversationAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const id = Id.safeParse(form.get('conversationId'));
  const parsed = Command.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')));
  if (!id.success) return { error: 'Unknown conversation.' };
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join('; ') };
  if (parsed.data.command === 'transfer' && !parsed.data.toAgentId && !parsed.data.toTeamId) return { error: 'Choose an agent, a team or both.' };
  const idempotencyKey = String(form.get('idempotencyKey') ?? '');
  const key = await sessionKey();
  let position: string;
  try {
    const answer = await callApi<{ position: string }>(
      getConfig().commandUrl,
      key,
      'POST',
      `/v1/conversations/${id.data}/${parsed.data.command}`,
      bodyOf(parsed.data),
      /^[\x21-\x7e]{8,200}$/.test(idempotencyKey) ? { 'idempotency-key': idempotencyKey } : {},
    );
    position = answer.position;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) redirect(SESSION_EXPIRED_PATH);
    return { error: e instanceof ApiError ? e.message : `The command API could not be reached: ${(e as Error).message}` };
  }
  redirect(`/conversations/${id.data}?at=${encodeURIComponent(position)}&done=${parsed.data.command}`);
}
