import Link from 'next/link';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';

/** A signed-in user whose role may not see the page (forbidden() in lib/guard.ts): 403. */
export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-xl p-6">
      <Alert>
        <AlertTitle>
          <h1>Not available for your role</h1>
        </AlertTitle>
        <AlertDescription>
          <p>This page is for other roles. Ask an admin if you need it.</p>
          <Link href="/" className="font-medium text-foreground underline underline-offset-4">
            Go to your dashboard
          </Link>
        </AlertDescription>
      </Alert>
    </main>
  );
}
