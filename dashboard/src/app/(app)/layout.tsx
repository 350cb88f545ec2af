import { headers } from 'next/headers';
import { forbidden, notFound } from 'next/navigation';
import type * as React from 'react';
import { AppNav } from '@/components/app-nav';
import { getMe } from '@/lib/api';
import { invoiceIdOf, readInvoice } from '@/lib/billing-reads';
import { conversationIdOf, positionOf, readConversation } from '@/lib/conversation-read';
import { mayView, navFor, pageOf } from '@/lib/pages';

/** Every signed-in page: the key is checked (GET /v1/me) and the role picks the navigation. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const h = await headers();
  const path = h.get('x-parley-path');
  const conversationId = path ? conversationIdOf(path) : null;
  const invoiceId = path ? invoiceIdOf(path) : null;
  const at = positionOf(new URLSearchParams(h.get('x-parley-search') ?? '').get('at'));
  // Before anything streams, so that the answer's status is 403 (each page checks again: requirePage).
  const page = path ? pageOf(path) : null;
  const [me, conversationRefused, invoice] = await Promise.all([
    getMe(),
    // A conversation page: a 404 status for an unknown id or another tenant's (the page reuses this read).
    conversationId
      ? readConversation(conversationId, at).then(
          () => null,
          (e: unknown) => ({ e }),
        )
      : null,
    // An invoice page: a 404 status for an unknown id or another tenant's (the page reuses this read; a role's 403 wins below).
    invoiceId ? readInvoice(invoiceId).catch(() => undefined) : undefined,
  ]);
  if (page && !mayView(me.role, page)) forbidden();
  // After the role's check: a role that may not see the page gets its 403, whatever the id.
  if (conversationRefused) throw conversationRefused.e;
  if (invoice === null) notFound();
  const nav = navFor(me.role);
  return (
    <div className="flex min-h-dvh flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-background focus:p-2">
        Skip to content
      </a>
      <AppNav items={nav} user={{ name: me.name, role: me.role, tenantName: me.tenantName }} />
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">
        {children}
      </main>
    </div>
  );
}
