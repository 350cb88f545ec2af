import type { Metadata } from 'next';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

const NOTICES: Record<string, string> = {
  expired: 'Your key is no longer valid (revoked, rotated or its user deactivated). Sign in with a current key.',
  'signed-out': 'You are signed out.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const reason = (await searchParams).reason;
  const notice = typeof reason === 'string' ? (NOTICES[reason] ?? null) : null;
  return (
    <main className="flex min-h-dvh items-center justify-center bg-muted p-4">
      <Card className="w-full max-w-md">
        <CardHeader>
          <CardTitle>
            <h1 className="text-xl">Sign in to Parley</h1>
          </CardTitle>
          <CardDescription>Supervisor dashboards: live queues, conversations and reports.</CardDescription>
        </CardHeader>
        <CardContent>
          <SignInForm notice={notice} />
        </CardContent>
      </Card>
    </main>
  );
}
