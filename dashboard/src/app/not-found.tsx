import Link from 'next/link';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';

/** notFound(): an unknown page, or a conversation that is not the tenant's (a real 404, see lib/conversation-read.ts). */
export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl p-6">
      <Alert>
        <AlertTitle>
          <h1>Not found</h1>
        </AlertTitle>
        <AlertDescription>
          <p>This page could not be found.</p>
          <Link href="/" className="font-medium text-foreground underline underline-offset-4">
            Go to your dashboard
          </Link>
        </AlertDescription>
      </Alert>
    </main>
  );
}
