'use client';

import { useActionState } from 'react';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { type SignInState, signIn } from './actions';

export function SignInForm({ notice }: { notice: string | null }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, { error: null });
  return (
    <form action={action} className="grid gap-4">
      {notice && !state.error && (
        <Alert>
          <AlertDescription>{notice}</AlertDescription>
        </Alert>
      )}
      <div className="grid gap-2">
        <Label htmlFor="apiKey">API key</Label>
        <Input
          id="apiKey"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          placeholder="prl_…"
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? 'sign-in-error' : 'sign-in-hint'}
        />
        <p id="sign-in-hint" className="text-sm text-muted-foreground">
          Your Parley API key. It stays on the dashboard's server, in a sealed cookie.
        </p>
      </div>
      {state.error && (
        <Alert variant="destructive" id="sign-in-error">
          <AlertDescription className="text-destructive">{state.error}</AlertDescription>
        </Alert>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
