import { z } from 'zod';

/**
 * Bounds on unsigned dead letters (numbers nobody connected: anyone can post those). What
 * a bound turns away is counted, per hour, reason and number, instead of stored.
 */
export interface DeadLetterLimits {
  /** Bytes of payload JSON an unsigned dead letter keeps; beyond, it is cut and its size recorded. */
  unsignedMaxPayloadBytes: number;
  /** Unsigned dead letters stored per minute, all numbers together. */
  unsignedPerMinute: number;
  /** Unsigned dead letters stored per minute for one phone_number_id. */
  unsignedPerNumberPerMinute: number;
  /** Unsigned dead letters kept in all: the sample; once full, the rest are only counted. */
  unsignedMaxRows: number;
}

export const DEFAULT_DEAD_LETTER_LIMITS: DeadLetterLimits = {
  unsignedMaxPayloadBytes: 16 * 1024,
  unsignedPerMinute: 60,
  unsignedPerNumberPerMinute: 10,
  unsignedMaxRows: 10_000,
};

/** When a past-due subscription starts to cost the tenant its marketing sends. */
export interface DunningPolicy {
  marketingBlockedAfterDays: number;
}

export const DEFAULT_DUNNING_POLICY: DunningPolicy = { marketingBlockedAfterDays: 7 };

/** The billing job's invoices: how long drafts wait for late usage, and the tax rate. */
export interface InvoicePolicy {
  graceDays: number;
  taxRatePercent: string;
}

export const DEFAULT_INVOICE_POLICY: InvoicePolicy = { graceDays: 3, taxRatePercent: '0' };

/** 0: any free port (tests). */
const Port = z.coerce.number().int().min(0).max(65535);
const Count = z.coerce.number().int().min(0);
const D = DEFAULT_DEAD_LETTER_LIMITS;

/** Everything the platform reads from the environment, read once at start-up. */
const Env = z.object({
  PARLEY_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/parley'),
  EVENTSTORE_URL: z.string().min(1).optional(),
  PARLEY_ADMIN_KEY: z.string().min(16, 'PARLEY_ADMIN_KEY must be at least 16 characters'),
  /** During a rotation: the replaced admin key, still accepted until it is removed. */
  PARLEY_ADMIN_KEY_PREVIOUS: z.string().min(16, 'PARLEY_ADMIN_KEY_PREVIOUS must be at least 16 characters').optional(),
  /** Platform-level analyst key: read-only SQL over ClickHouse. Unset: nobody holds it. */
  PARLEY_ANALYST_KEY: z.string().min(16, 'PARLEY_ANALYST_KEY must be at least 16 characters').optional(),
  PARLEY_ANALYST_KEY_PREVIOUS: z.string().min(16, 'PARLEY_ANALYST_KEY_PREVIOUS must be at least 16 characters').optional(),
  PARLEY_SECRET_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'PARLEY_SECRET_KEY must be 32 random bytes, base64-encoded'),
  PARLEY_HOST: z.string().default('127.0.0.1'),
  COMMAND_PORT: Port.default(3001),
  QUERY_PORT: Port.default(3002),
  DASHBOARD_PORT: Port.default(3000),
  PROJECTIONS_PORT: Port.default(3003),
  WORKERS_PORT: Port.default(3004),
  /** Redis for the workers' queues: a cache of work, never the truth (the log is). */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefix of the workers' keys in Redis: one Redis may serve several deployments. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('parley'),
  /** A job whose worker stops renewing its lock for this long (a crashed process) is handed to another. */
  PARLEY_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(300_000).default(10_000),
  /** `off`: npm start runs no workers (nothing is sent). */
  PARLEY_WORKERS: z.enum(['on', 'off']).default('on'),
  /** `npm start`: build (when needed) and start the dashboard on DASHBOARD_PORT; off: not. */
  PARLEY_DASHBOARD: z.enum(['on', 'off']).default('on'),
  /** The WhatsApp Cloud API (Graph API) base; unset under npm start: a local fake of it. */
  WHATSAPP_API_URL: z.string().url().optional(),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
  /** Development only: outbound webhooks may target loopback (and plain http there). */
  PARLEY_WEBHOOKS_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  /** Messages a second each number may send unless configured otherwise (Meta's default: 80). */
  WHATSAPP_NUMBER_RATE: z.coerce.number().int().min(1).max(1000).default(80),
  /** Where embedded engines keep their files (chDB's data directory lives under it). */
  PARLEY_DATA_DIR: z.string().min(1).default('.data'),
  /** Set: analytics go to this ClickHouse server (23.8+); unset: embedded chDB. */
  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('parley'),
  /** Set: ClickHouse DDL runs ON CLUSTER with Replicated engines and Distributed tables. */
  CLICKHOUSE_CLUSTER: z.string().min(1).optional(),
  /** `off`: no ClickHouse at all (no analytics projector, no /v1/analytics endpoints). */
  PARLEY_ANALYTICS: z.enum(['on', 'off']).default('on'),
  /** Whether the query process runs the projectors itself (false: they run in `projections`). */
  PARLEY_RUN_PROJECTORS: z.enum(['true', 'false']).default('true'),
  /** /health turns not-ok when a projector has not moved for this long while events wait. */
  PARLEY_PROJECTOR_STALL_SECONDS: z.coerce.number().positive().default(10),
  PARLEY_LOG: z.enum(['true', 'false']).default('false'),
  /** Where `npm start` keeps the demo's keys; set, the demo is seeded on first start. */
  PARLEY_DEMO_FILE: z.string().min(1).optional(),
  /** `off`: the demo seeds only the live conversations, not its 30 days of history (faster). */
  PARLEY_DEMO_HISTORY: z.enum(['on', 'off']).default('on'),
  /**
   * Stripe's webhook signing secrets (`whsec_…`), comma-separated: more than one while a
   * secret is rotated (a delivery signed with any of them is accepted). Unset: no
   * /webhooks/stripe route.
   */
  STRIPE_WEBHOOK_SECRETS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(z.string().min(16, 'each Stripe webhook secret must be at least 16 characters'))),
  /** Days a subscription may stay past due before the tenant's marketing template sends are refused. */
  PARLEY_DUNNING_MARKETING_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(DEFAULT_DUNNING_POLICY.marketingBlockedAfterDays),
  /** How often the workers' billing job runs (drafts ended periods, finalizes after the grace). */
  PARLEY_BILLING_EVERY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Days a drafted invoice waits for late usage before it is finalized. */
  PARLEY_INVOICE_GRACE_DAYS: z.coerce.number().min(0).max(60).default(DEFAULT_INVOICE_POLICY.graceDays),
  /** Tax on every invoice's subtotal: percent as a decimal string ("19", "8.875"). */
  PARLEY_INVOICE_TAX_PERCENT: z
    .string()
    .regex(/^(0|[1-9]\d{0,2})(\.\d{1,6})?$/, 'a percent as a decimal string, e.g. "19" or "8.875"')
    .default(DEFAULT_INVOICE_POLICY.taxRatePercent),
  /** Where the workers read usage (the query API; chDB lives in the query process). Unset: the query API on QUERY_PORT. */
  PARLEY_USAGE_URL: z.string().url().optional(),
  /** Bounds on unsigned webhook dead letters (numbers nobody connected: anyone can post them). */
  PARLEY_DEAD_LETTER_UNSIGNED_MAX_KIB: Count.default(D.unsignedMaxPayloadBytes / 1024),
  PARLEY_DEAD_LETTER_UNSIGNED_PER_MINUTE: Count.default(D.unsignedPerMinute),
  PARLEY_DEAD_LETTER_UNSIGNED_PER_NUMBER_PER_MINUTE: Count.default(D.unsignedPerNumberPerMinute),
  PARLEY_DEAD_LETTER_UNSIGNED_MAX_ROWS: Count.default(D.unsignedMaxRows),
});

export interface Config {
  databaseUrl: string;
  /** Set: events go to EventStoreDB; unset: to PostgreSQL (the embedded default). */
  eventStoreUrl: string | null;
  platformAdminKey: string;
  platformAnalystKey: string | null;
  /** Every key accepted as the platform admin's: the current one, then the previous one while it is set. */
  platformAdminKeys: readonly string[];
  /** Likewise for the analyst; empty: nobody holds it. */
  platformAnalystKeys: readonly string[];
  secretKey: string;
  host: string;
  ports: { command: number; query: number; dashboard: number; projections: number; workers: number };
  redisUrl: string;
  redisPrefix: string;
  workers: boolean;
  /** `npm start` runs the dashboard (Next.js) next to the APIs. */
  dashboard: boolean;
  jobLockMs: number;
  webhooks: { allowLoopback: boolean };
  whatsapp: { apiUrl: string | null; apiVersion: string; numberRate: number };
  dataDir: string;
  clickhouse: { url: string | null; database: string; cluster: string | null };
  analytics: boolean;
  runProjectors: boolean;
  /** Seconds a projector may go without progress while events wait before /health says it is stalled. */
  projectorStallSeconds: number;
  log: boolean;
  demoFile: string | null;
  /** Whether a demo seeded on first start gets its 30 days of history. */
  demoHistory: boolean;
  deadLetterLimits: DeadLetterLimits;
  /** Stripe's webhook signing secrets: any of them signs a valid delivery (rotation); empty: no Stripe webhook. */
  stripe: { webhookSecrets: readonly string[] };
  dunning: DunningPolicy;
  /** The workers' billing job: its schedule, the invoices' grace and tax, and where it reads usage. */
  billing: { everyMs: number; invoices: InvoicePolicy; usageUrl: string };
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new Error(`invalid configuration:\n  ${reasons}`);
  }
  const e = parsed.data;
  // A previous key alone is a rotation to nothing: more likely a mistyped variable name.
  if (e.PARLEY_ANALYST_KEY_PREVIOUS && !e.PARLEY_ANALYST_KEY) {
    throw new Error('invalid configuration:\n  PARLEY_ANALYST_KEY_PREVIOUS is set without PARLEY_ANALYST_KEY');
  }
  const keys = (...given: (string | undefined)[]) => given.filter((k): k is string => k !== undefined);
  return {
    databaseUrl: e.PARLEY_DATABASE_URL,
    eventStoreUrl: e.EVENTSTORE_URL ?? null,
    platformAdminKey: e.PARLEY_ADMIN_KEY,
    platformAnalystKey: e.PARLEY_ANALYST_KEY ?? null,
    platformAdminKeys: keys(e.PARLEY_ADMIN_KEY, e.PARLEY_ADMIN_KEY_PREVIOUS),
    platformAnalystKeys: keys(e.PARLEY_ANALYST_KEY, e.PARLEY_ANALYST_KEY_PREVIOUS),
    secretKey: e.PARLEY_SECRET_KEY,
    host: e.PARLEY_HOST,
    ports: { command: e.COMMAND_PORT, query: e.QUERY_PORT, dashboard: e.DASHBOARD_PORT, projections: e.PROJECTIONS_PORT, workers: e.WORKERS_PORT },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    workers: e.PARLEY_WORKERS === 'on',
    dashboard: e.PARLEY_DASHBOARD === 'on',
    jobLockMs: e.PARLEY_JOB_LOCK_MS,
    webhooks: { allowLoopback: e.PARLEY_WEBHOOKS_ALLOW_LOOPBACK === 'true' },
    whatsapp: { apiUrl: e.WHATSAPP_API_URL ?? null, apiVersion: e.WHATSAPP_API_VERSION, numberRate: e.WHATSAPP_NUMBER_RATE },
    dataDir: e.PARLEY_DATA_DIR,
    clickhouse: { url: e.CLICKHOUSE_URL ?? null, database: e.CLICKHOUSE_DATABASE, cluster: e.CLICKHOUSE_CLUSTER ?? null },
    runProjectors: e.PARLEY_RUN_PROJECTORS === 'true',
    projectorStallSeconds: e.PARLEY_PROJECTOR_STALL_SECONDS,
    analytics: e.PARLEY_ANALYTICS === 'on',
    log: e.PARLEY_LOG === 'true',
    demoFile: e.PARLEY_DEMO_FILE ?? null,
    demoHistory: e.PARLEY_DEMO_HISTORY === 'on',
    deadLetterLimits: {
      unsignedMaxPayloadBytes: e.PARLEY_DEAD_LETTER_UNSIGNED_MAX_KIB * 1024,
      unsignedPerMinute: e.PARLEY_DEAD_LETTER_UNSIGNED_PER_MINUTE,
      unsignedPerNumberPerMinute: e.PARLEY_DEAD_LETTER_UNSIGNED_PER_NUMBER_PER_MINUTE,
      unsignedMaxRows: e.PARLEY_DEAD_LETTER_UNSIGNED_MAX_ROWS,
    },
    stripe: { webhookSecrets: e.STRIPE_WEBHOOK_SECRETS },
    dunning: { marketingBlockedAfterDays: e.PARLEY_DUNNING_MARKETING_AFTER_DAYS },
    billing: {
      everyMs: e.PARLEY_BILLING_EVERY_SECONDS * 1000,
      invoices: { graceDays: e.PARLEY_INVOICE_GRACE_DAYS, taxRatePercent: e.PARLEY_INVOICE_TAX_PERCENT },
      usageUrl: e.PARLEY_USAGE_URL ?? `http://127.0.0.1:${e.QUERY_PORT}`,
    },
  };
}
