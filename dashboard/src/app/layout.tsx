import type { Metadata } from 'next';
import type * as React from 'react';
import './globals.css';

export const metadata: Metadata = { title: { default: 'Parley', template: '%s · Parley' }, description: 'Supervisor dashboards' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
