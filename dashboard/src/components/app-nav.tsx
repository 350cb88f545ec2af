'use client';

import { MenuIcon } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';

interface NavItem {
  name: string;
  href: string;
  label: string;
}

/** The top bar: the pages the role may see (computed on the server), who is signed in, sign-out. */
export function AppNav({ items, user }: { items: NavItem[]; user: { name: string; role: string; tenantName: string } }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const links = items.map((item) => {
    const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
    return (
      <li key={item.name}>
        <Link
          href={item.href}
          aria-current={current ? 'page' : undefined}
          onClick={() => setOpen(false)}
          className={cn(
            'block rounded-md px-3 py-2 text-sm font-medium outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50',
            current ? 'bg-accent text-foreground' : 'text-muted-foreground',
          )}
        >
          {item.label}
        </Link>
      </li>
    );
  });
  return (
    <header className="border-b bg-background">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-2 px-4 py-2 sm:px-6">
        <span className="mr-4 font-semibold">Parley</span>
        {items.length > 0 && (
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            aria-expanded={open}
            aria-controls="main-nav"
            aria-label={open ? 'Close navigation' : 'Open navigation'}
            onClick={() => setOpen(!open)}
          >
            <MenuIcon />
          </Button>
        )}
        <nav aria-label="Main" id="main-nav" className={cn('order-last w-full md:order-none md:block md:w-auto', open ? 'block' : 'hidden')}>
          <ul className="flex flex-col gap-1 md:flex-row">{links}</ul>
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="hidden text-muted-foreground sm:inline" data-testid="who">
            {user.name} · {user.role} · {user.tenantName}
          </span>
          <form action="/sign-out" method="post">
            <Button type="submit" variant="outline" size="sm">
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </header>
  );
}
