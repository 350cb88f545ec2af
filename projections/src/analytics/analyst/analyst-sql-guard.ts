import { ANALYST_FUNCTIONS_BY_CATEGORY } from './analyst-functions.ts';

/** Why a statement was refused before it ran: answered as a 400 with this text. */
export class AnalystSqlRefused extends Error {
  override readonly name = 'AnalystSqlRefused';
}

/** One node of ClickHouse's `EXPLAIN AST` dump. */
export interface AstNode {
  type: string;
  /** What follows the type: a function's or identifier's name, a literal. */
  text: string;
  children: AstNode[];
}

/**
 * The AST node kinds a read-only SELECT may contain. Anything else (SHOW, DESCRIBE,
 * EXPLAIN, INSERT, `Set` for a SETTINGS clause at any depth, `APPLY(fn)` column
 * transformers, a dictionary or table-function call that parses into a node of its own)
 * is refused, so a parser feature the engine adds later is refused until listed here.
 */
const NODE_TYPES = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'Function',
  'Identifier',
  'TableIdentifier',
  'Literal',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableJoin',
  'ArrayJoin',
  'Subquery',
  'WithElement',
  'OrderByElement',
  'WindowDefinition',
  'WindowListElement',
  'WindowFrameBound',
  'SampleRatio',
  'InterpolateElement',
]);

const COMBINATORS = [
  'MergeState',
  'SimpleState',
  'OrDefault',
  'OrNull',
  'Resample',
  'ForEach',
  'Distinct',
  'ArgMin',
  'ArgMax',
  'Array',
  'State',
  'Merge',
  'Map',
  'If',
];

const ALLOWED = new Set<string>(Object.values(ANALYST_FUNCTIONS_BY_CATEGORY).flat());

/** How the engine names its functions: an alias points at its function; some match in any case. */
export interface FunctionCatalog {
  /** Every function name, exact spelling → the function it aliases (itself when none). */
  canonical: ReadonlyMap<string, string>;
  /** Lower-cased names of the functions that match case-insensitively → canonical. */
  caseInsensitive: ReadonlyMap<string, string>;
  aggregates: ReadonlySet<string>;
}

export function functionCatalog(
  rows: readonly { name: string; is_aggregate: number | string; case_insensitive: number | string; alias_to: string }[],
): FunctionCatalog {
  const canonical = new Map<string, string>();
  const caseInsensitive = new Map<string, string>();
  const aggregates = new Set<string>();
  for (const r of rows) {
    const target = r.alias_to || r.name;
    canonical.set(r.name, target);
    if (Number(r.case_insensitive) === 1) caseInsensitive.set(r.name.toLowerCase(), target);
    if (Number(r.is_aggregate) === 1) aggregates.add(r.name);
  }
  return { canonical, caseInsensitive, aggregates };
}

const resolve = (catalog: FunctionCatalog, name: string): string | undefined => catalog.canonical.get(name) ?? catalog.caseInsensitive.get(name.toLowerCase());

/** Whether `name` (as written) is an allowed function, after aliases and aggregate combinators. */
export function functionAllowed(catalog: FunctionCatalog, name: string): boolean {
  if (name === 'lambda') return true;
  const direct = resolve(catalog, name);
  if (direct !== undefined) return ALLOWED.has(direct) && ALLOWED.has(resolve(catalog, direct) ?? direct);
  // sumIf, uniqExactState, quantilesTDigestMerge: an allowed aggregate with combinators.
  for (const suffix of COMBINATORS) {
    if (name.length > suffix.length && name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const resolved = resolve(catalog, base);
      if (resolved !== undefined) return catalog.aggregates.has(resolved) && ALLOWED.has(resolved);
      if (functionAllowed(catalog, base)) return true;
    }
  }
  return false;
}

// `Function sumIf (alias s) (children 1)`, `TableIdentifier t (alias x)`, `Literal 'a'`:
// the suffixes come off from the end, then the type is the first word.
const CHILDREN = / \(children (\d+)\)$/;
const ALIAS = / \(alias [^()]*\)$/;
const HEAD = /^( *)([A-Za-z_:]+)(?: (.*))?$/;

/**
 * Parses the dump into a tree and checks that it is well-formed: every node's declared
 * child count is met, and depth grows one step at a time. A name crafted to look like
 * dump syntax (backquoted text holding a newline or "(children 2)") breaks one of these
 * and is refused rather than misread.
 */
export function parseAstDump(lines: readonly string[]): AstNode {
  const stack: { node: AstNode; depth: number; expected: number | null }[] = [];
  let root: AstNode | undefined;
  for (const line of lines) {
    const children = CHILDREN.exec(line);
    const rest = children ? line.slice(0, children.index) : line;
    const m = HEAD.exec(rest.replace(ALIAS, ''));
    if (!m) throw new AnalystSqlRefused('the statement has a shape the checker does not read (names with control characters?)');
    const depth = m[1]!.length;
    const node: AstNode = { type: m[2]!, text: m[3] ?? '', children: [] };
    const expected = children ? Number(children[1]) : null;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) close(stack.pop()!);
    if (stack.length === 0) {
      if (root !== undefined || depth !== 0) throw new AnalystSqlRefused('the statement parses to more than one tree');
      root = node;
    } else {
      const parent = stack[stack.length - 1]!;
      if (depth !== parent.depth + 1) throw new AnalystSqlRefused('the statement has a shape the checker does not read');
      parent.node.children.push(node);
    }
    stack.push({ node, depth, expected });
  }
  while (stack.length > 0) close(stack.pop()!);
  if (!root) throw new AnalystSqlRefused('empty statement');
  return root;
}

function close(entry: { node: AstNode; expected: number | null }) {
  if ((entry.expected ?? 0) !== entry.node.children.length) throw new AnalystSqlRefused('the statement has a shape the checker does not read');
}

export interface GuardContext {
  catalog: FunctionCatalog;
  /** Every database the engine holds, any case: no name in the statement may be qualified by one. */
  databases: readonly string[];
  /** The format the dump was asked in: the client appends it, so it is the one root extra allowed. */
  dumpFormat: string;
}

/**
 * Refuses, with the reason, any statement that is not one plain SELECT over unqualified
 * table names, calling only allowed functions. Unqualified names resolve in the analyst's
 * own database of views (see analyst-scopes.ts), so no name reaches another database;
 * which rows those views hold is the engine's business, not this checker's.
 */
export function checkAnalystAst(root: AstNode, ctx: GuardContext): void {
  if (root.type !== 'SelectWithUnionQuery') throw new AnalystSqlRefused(`only SELECT statements are allowed (this is ${root.type})`);
  const [body, ...extras] = root.children;
  const clientFormat = extras.length === 1 && extras[0]!.type === 'Identifier' && extras[0]!.text === ctx.dumpFormat;
  if (!body || (extras.length > 0 && !clientFormat)) throw new AnalystSqlRefused('FORMAT, INTO OUTFILE and SETTINGS clauses are not allowed');
  const databases = new Set(ctx.databases.map((d) => d.toLowerCase()));
  const walk = (node: AstNode, parent: AstNode | null) => {
    if (!NODE_TYPES.has(node.type)) {
      throw new AnalystSqlRefused(
        node.type === 'Set' ? 'SETTINGS clauses are not allowed: the limits are fixed' : `${node.type} is not allowed in analyst SQL`,
      );
    }
    if (node.type === 'Function') {
      if (parent?.type === 'TableExpression') throw new AnalystSqlRefused(`table functions are not allowed (${node.text}): select from the analytics tables`);
      if (!functionAllowed(ctx.catalog, node.text))
        throw new AnalystSqlRefused(`function ${node.text} is not allowed in analyst SQL (docs/analytics.md lists what is)`);
    }
    if (node.type === 'TableIdentifier' && node.text.includes('.')) {
      throw new AnalystSqlRefused(`qualified table names are not allowed (${node.text}): use the table's plain name`);
    }
    if (node.type === 'Identifier' || node.type === 'TableIdentifier') {
      const first = node.text.split('.')[0]!.replace(/^`|`$/g, '').toLowerCase();
      if (node.text.includes('.') && databases.has(first)) throw new AnalystSqlRefused(`names qualified by a database are not allowed (${node.text})`);
    }
    for (const child of node.children) walk(child, node);
  };
  walk(body, root);
}
