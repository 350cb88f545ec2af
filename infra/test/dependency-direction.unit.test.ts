import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * What each package may import, as a stack: CQRS keeps the write side (command) and the
 * read side (projections, query) siblings above the kit and the event catalog. infra and
 * load-tests compose everything and are not listed.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  events: [],
  'infra/kit': ['events'],
  command: ['events', 'infra/kit'],
  projections: ['events', 'infra/kit'],
  query: ['events', 'infra/kit', 'projections'],
  // Background work of the write side: it records outcomes through the command side's
  // deciders and keeps what it must do in a read model of its own.
  'infra/workers': ['events', 'infra/kit', 'command', 'projections'],
  // The dashboard talks to both APIs over HTTP; it imports only the role policy (role lists)
  // and the event catalog's types (ONLY_ENTRIES narrows the kit to its roles).
  dashboard: ['events', 'infra/kit'],
};
/** Where a package may import only some entry points of a package it may import. */
const ONLY_ENTRIES: Record<string, Record<string, readonly string[]>> = {
  dashboard: { 'infra/kit': ['@parley/kit/roles'] },
};
/**
 * Another package's file a package may name as a process to start (a path handed to
 * `new URL` for spawn), never import: the dashboard's browser test starts the platform
 * the way `npm start` does.
 */
const MAY_SPAWN: Record<string, readonly string[]> = {
  dashboard: ['infra/src/run-platform.ts'],
};
const PACKAGE_DIRS: Record<string, string> = {
  '@parley/events': 'events',
  '@parley/kit': 'infra/kit',
  '@parley/workers': 'infra/workers',
  '@parley/command': 'command',
  '@parley/projections': 'projections',
  '@parley/query': 'query',
  '@parley/infra': 'infra',
  '@parley/dashboard': 'dashboard',
  '@parley/load-tests': 'load-tests',
};
const PACKAGES = Object.values(PACKAGE_DIRS).sort((a, b) => b.length - a.length);

/** The package a repository path belongs to: the longest package folder that holds it. */
const packageOf = (path: string): string | null => PACKAGES.find((p) => path === p || path.startsWith(`${p}/`)) ?? null;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;

/** Every import of `file` that reaches into another package, as the package folder it reaches. */
export function importedPackages(file: string, text: string): { specifier: string; target: string }[] {
  const from = relative(ROOT, file).split(sep).join('/');
  const own = packageOf(from);
  const found: { specifier: string; target: string }[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const specifier = m[1] ?? m[2] ?? m[3]!;
    let target: string | null = null;
    if (specifier.startsWith('@parley/')) target = PACKAGE_DIRS[specifier.split('/').slice(0, 2).join('/')] ?? null;
    else if (specifier.startsWith('.'))
      target = packageOf(
        relative(ROOT, resolve(dirname(file), specifier))
          .split(sep)
          .join('/'),
      );
    if (target && target !== own) found.push({ specifier, target });
  }
  return found;
}

const spawnable = (pkg: string, file: string, specifier: string, root: string): boolean =>
  specifier.startsWith('.') &&
  (MAY_SPAWN[pkg] ?? []).includes(
    relative(root, resolve(dirname(file), specifier))
      .split(sep)
      .join('/'),
  );

export function violations(root = ROOT): string[] {
  const found: string[] = [];
  for (const [pkg, allowed] of Object.entries(MAY_IMPORT)) {
    for (const file of sourceFiles(join(root, pkg))) {
      const from = relative(root, file).split(sep).join('/');
      // A nested package (infra/kit inside infra) is checked as itself.
      if (packageOf(from) !== pkg) continue;
      for (const { specifier, target } of importedPackages(file, readFileSync(file, 'utf8'))) {
        const entries = ONLY_ENTRIES[pkg]?.[target];
        if (allowed.includes(target) && entries && !entries.includes(specifier)) {
          found.push(`${from} imports ${specifier}; ${pkg} may import only ${entries.join(', ')} of ${target}`);
        } else if (!allowed.includes(target) && !spawnable(pkg, file, specifier, root)) {
          found.push(`${from} imports ${specifier} (${target}); ${pkg} may import only: ${allowed.join(', ') || 'nothing'}`);
        }
      }
    }
  }
  return found;
}

describe('dependency direction', () => {
  it('no package imports one above it or beside it: the read side never imports the write side, nor the reverse', () => {
    expect(violations()).toEqual([]);
  });

  it('the check sees package imports, relative paths into another package, dynamic imports and spawned paths', () => {
    const file = join(ROOT, 'query/src/some-route.ts');
    const text = [
      "import { Tenancy } from '@parley/command';",
      "import type { X } from '@parley/command/testing';",
      "import { y } from '../../command/src/domain/ids.ts';",
      "const z = await import('../../projections/src/index.ts');",
      "spawn(process.execPath, [fileURLToPath(new URL('../../command/src/main.ts', import.meta.url))]);",
      "import { ok } from './neighbour.ts';",
      "import { alsoOk } from '@parley/events';",
    ].join('\n');
    expect(importedPackages(file, text).map((i) => i.target)).toEqual(['command', 'command', 'command', 'projections', 'command', 'events']);
  });
});
