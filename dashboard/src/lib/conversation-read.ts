import { notFound } from 'next/navigation';
import { cache } from 'react';
import { ApiError, queryGet } from './api.ts';
import type { ConversationDetail } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^[0-9/]{1,64}$/;
const CONVERSATION_PATH = /^\/conversations\/([^/]+)\/?$/;

/** The conversation id a path shows, when it is a conversation's page. */
export const conversationIdOf = (pathname: string): string | null => CONVERSATION_PATH.exec(pathname)?.[1] ?? null;

/** `at` of a conversation page's URL: after an action, the command's position to read at (read your writes). */
export const positionOf = (at: string | null | undefined): string | undefined => (at && POSITION.test(at) ? at : undefined);

/**
 * One conversation, read once per request and shared by the layout and the page. The
 * layout awaits it before anything streams, so an unknown id, or another tenant's, is a
 * real 404 (notFound() inside the page's loading boundary could only be a 200).
 */
export const readConversation = cache(async (id: string, at: string | undefined): Promise<ConversationDetail> => {
  if (!UUID.test(id)) notFound();
  return queryGet<ConversationDetail>(`/v1/conversations/${id}`, { minPosition: at }).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) notFound();
    throw e;
  });
});
