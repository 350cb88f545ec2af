'use client';

import type * as React from 'react';
import { useActionState } from 'react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Input, Textarea } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { type ActionState, conversationAction } from './actions';

interface Props {
  conversationId: string;
  /** Made by the server for each rendering of the page: the forms' idempotency keys derive from it. */
  formKey: string;
  closed: boolean;
  hasAgent: boolean;
  agents: { id: string; name: string }[];
  teams: { id: string; name: string }[];
}

/** One form per command; each carries an idempotency key, so submitting twice is one command. */
function CommandForm({
  command,
  conversationId,
  formKey,
  label,
  children,
}: {
  command: string;
  conversationId: string;
  formKey: string;
  label: string;
  children: React.ReactNode;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(conversationAction, { error: null });
  const idempotencyKey = `${formKey}-${command}`;
  return (
    <form action={action} className="grid gap-2 border-t pt-4 first:border-t-0 first:pt-0" aria-label={label}>
      <input type="hidden" name="conversationId" value={conversationId} />
      <input type="hidden" name="command" value={command} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {children}
      {state.error && (
        <Alert variant="destructive">
          <AlertDescription className="text-destructive">{state.error}</AlertDescription>
        </Alert>
      )}
      <Button type="submit" variant="secondary" disabled={pending} className="w-fit">
        {pending ? 'Working…' : label}
      </Button>
    </form>
  );
}

export function ConversationActions({ conversationId, formKey, closed, hasAgent, agents, teams }: Props) {
  const p = { conversationId, formKey };
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Actions</h2>
        </CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4">
        {!closed && !hasAgent && (
          <CommandForm command="assign" label="Assign" {...p}>
            <Label htmlFor="a-agent">Agent</Label>
            <NativeSelect id="a-agent" name="agentId" required defaultValue="">
              <option value="" disabled>
                Choose an agent
              </option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </NativeSelect>
          </CommandForm>
        )}
        {!closed && (
          <CommandForm command="transfer" label="Transfer" {...p}>
            <Label htmlFor="t-agent">To agent</Label>
            <NativeSelect id="t-agent" name="toAgentId" defaultValue="">
              <option value="">No agent (team queue)</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </NativeSelect>
            <Label htmlFor="t-team">To team</Label>
            <NativeSelect id="t-team" name="toTeamId" defaultValue="">
              <option value="">Same team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </NativeSelect>
            <Label htmlFor="t-note">Hand-over note</Label>
            <Input id="t-note" name="note" maxLength={2000} />
          </CommandForm>
        )}
        {!closed && (
          <CommandForm command="close" label="Close" {...p}>
            <Label htmlFor="c-reason">Reason</Label>
            <NativeSelect id="c-reason" name="reason" defaultValue="resolved">
              {['resolved', 'no_response', 'abandoned', 'spam', 'duplicate', 'transferred', 'other'].map((r) => (
                <option key={r} value={r}>
                  {r.replace('_', ' ')}
                </option>
              ))}
            </NativeSelect>
            <Label htmlFor="c-outcome">Outcome (optional)</Label>
            <Input id="c-outcome" name="outcome" maxLength={64} placeholder="refund_issued" />
          </CommandForm>
        )}
        <CommandForm command="notes" label="Add note" {...p}>
          <Label htmlFor="n-body">Private note</Label>
          <Textarea id="n-body" name="body" required maxLength={10_000} />
        </CommandForm>
      </CardContent>
    </Card>
  );
}
