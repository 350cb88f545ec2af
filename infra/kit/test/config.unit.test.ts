import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { IdentityPort } from '../src/auth/authentication.ts';
import { Authenticator } from '../src/auth/authentication.ts';
import { loadConfig } from '../src/config.ts';
import { AppError } from '../src/errors.ts';

const ADMIN = 'current-admin-key-0123456789';
const OLD_ADMIN = 'previous-admin-key-0123456789';
const ANALYST = 'current-analyst-key-0123456789';
const OLD_ANALYST = 'previous-analyst-key-0123456789';
const base = { PARLEY_ADMIN_KEY: ADMIN, PARLEY_SECRET_KEY: randomBytes(32).toString('base64') };

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } }) as FastifyRequest;
const statusOf = (run: () => void) => {
  try {
    run();
    return 200;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
};

describe('platform keys in the configuration', () => {
  it('takes a previous admin and analyst key during a rotation, next to the current ones, and nothing else', () => {
    const rotating = loadConfig({ ...base, PARLEY_ADMIN_KEY_PREVIOUS: OLD_ADMIN, PARLEY_ANALYST_KEY: ANALYST, PARLEY_ANALYST_KEY_PREVIOUS: OLD_ANALYST });
    expect(rotating.platformAdminKeys).toEqual([ADMIN, OLD_ADMIN]);
    expect(rotating.platformAnalystKeys).toEqual([ANALYST, OLD_ANALYST]);
    expect(loadConfig(base).platformAdminKeys).toEqual([ADMIN]);
    expect(loadConfig(base).platformAnalystKeys).toEqual([]);

    // Platform keys never reach the tenancy: no tenant is looked up here.
    const auth = new Authenticator(undefined as unknown as IdentityPort, rotating.platformAdminKeys, rotating.platformAnalystKeys);
    for (const key of [ADMIN, OLD_ADMIN]) expect(statusOf(() => auth.requirePlatformAdmin(bearer(key)))).toBe(200);
    for (const key of [ANALYST, OLD_ANALYST]) expect(statusOf(() => auth.requirePlatformAnalyst(bearer(key)))).toBe(200);
    expect(statusOf(() => auth.requirePlatformAdmin(bearer(OLD_ANALYST)))).toBe(401);
    expect(statusOf(() => auth.requirePlatformAnalyst(bearer(OLD_ADMIN)))).toBe(401);
    // Revocation is removing the previous key from the configuration (and restarting).
    const rotated = loadConfig({ ...base, PARLEY_ANALYST_KEY: ANALYST });
    const after = new Authenticator(undefined as unknown as IdentityPort, rotated.platformAdminKeys, rotated.platformAnalystKeys);
    expect(statusOf(() => after.requirePlatformAdmin(bearer(OLD_ADMIN)))).toBe(401);
    expect(statusOf(() => after.requirePlatformAnalyst(bearer(OLD_ANALYST)))).toBe(401);
  });

  it('refuses a short previous key, and a previous analyst key without a current one', () => {
    expect(() => loadConfig({ ...base, PARLEY_ADMIN_KEY_PREVIOUS: 'short' })).toThrow(/PARLEY_ADMIN_KEY_PREVIOUS/);
    expect(() => loadConfig({ ...base, PARLEY_ANALYST_KEY_PREVIOUS: OLD_ANALYST })).toThrow(/PARLEY_ANALYST_KEY_PREVIOUS is set without PARLEY_ANALYST_KEY/);
  });
});

describe('the projector stall threshold', () => {
  it('defaults to 10 seconds, takes a positive number, and refuses anything else', () => {
    expect(loadConfig(base).projectorStallSeconds).toBe(10);
    expect(loadConfig({ ...base, PARLEY_PROJECTOR_STALL_SECONDS: '2.5' }).projectorStallSeconds).toBe(2.5);
    expect(() => loadConfig({ ...base, PARLEY_PROJECTOR_STALL_SECONDS: '0' })).toThrow(/PARLEY_PROJECTOR_STALL_SECONDS/);
    expect(() => loadConfig({ ...base, PARLEY_PROJECTOR_STALL_SECONDS: 'soon' })).toThrow(/PARLEY_PROJECTOR_STALL_SECONDS/);
  });
});

describe('the demo in the configuration', () => {
  it('seeds its history unless PARLEY_DEMO_HISTORY=off, and refuses anything else', () => {
    expect(loadConfig(base).demoHistory).toBe(true);
    expect(loadConfig({ ...base, PARLEY_DEMO_HISTORY: 'on' }).demoHistory).toBe(true);
    expect(loadConfig({ ...base, PARLEY_DEMO_HISTORY: 'off' }).demoHistory).toBe(false);
    expect(() => loadConfig({ ...base, PARLEY_DEMO_HISTORY: 'no' })).toThrow(/PARLEY_DEMO_HISTORY/);
  });
});

describe('Stripe and dunning in the configuration', () => {
  it('takes several Stripe signing secrets (rotation) and the dunning grace, with defaults', () => {
    expect(loadConfig(base).stripe.webhookSecrets).toEqual([]);
    expect(loadConfig(base).dunning.marketingBlockedAfterDays).toBe(7);
    const rotating = loadConfig({
      ...base,
      STRIPE_WEBHOOK_SECRETS: 'whsec_current_0123456789, whsec_previous_0123456789',
      PARLEY_DUNNING_MARKETING_AFTER_DAYS: '3',
    });
    expect(rotating.stripe.webhookSecrets).toEqual(['whsec_current_0123456789', 'whsec_previous_0123456789']);
    expect(rotating.dunning.marketingBlockedAfterDays).toBe(3);
    expect(() => loadConfig({ ...base, STRIPE_WEBHOOK_SECRETS: 'short' })).toThrow(/Stripe webhook secret/);
    expect(() => loadConfig({ ...base, PARLEY_DUNNING_MARKETING_AFTER_DAYS: '-1' })).toThrow(/PARLEY_DUNNING_MARKETING_AFTER_DAYS/);
  });
});

describe('the billing job in the configuration', () => {
  it('runs every 5 minutes with 3 days of grace and no tax by default, reading usage from the query API', () => {
    expect(loadConfig({ ...base, QUERY_PORT: '4002' }).billing).toEqual({
      everyMs: 300_000,
      invoices: { graceDays: 3, taxRatePercent: '0' },
      usageUrl: 'http://127.0.0.1:4002',
    });
    const set = loadConfig({
      ...base,
      PARLEY_BILLING_EVERY_SECONDS: '60',
      PARLEY_INVOICE_GRACE_DAYS: '0.5',
      PARLEY_INVOICE_TAX_PERCENT: '8.875',
      PARLEY_USAGE_URL: 'http://query.internal:3002',
    });
    expect(set.billing).toEqual({ everyMs: 60_000, invoices: { graceDays: 0.5, taxRatePercent: '8.875' }, usageUrl: 'http://query.internal:3002' });
  });

  it('refuses a tax rate that is not a decimal percent, and a schedule of 0 seconds', () => {
    expect(() => loadConfig({ ...base, PARLEY_INVOICE_TAX_PERCENT: '19%' })).toThrow(/PARLEY_INVOICE_TAX_PERCENT: a percent as a decimal string/);
    expect(() => loadConfig({ ...base, PARLEY_INVOICE_TAX_PERCENT: '0.1234567' })).toThrow(/PARLEY_INVOICE_TAX_PERCENT/);
    expect(() => loadConfig({ ...base, PARLEY_BILLING_EVERY_SECONDS: '0' })).toThrow(/PARLEY_BILLING_EVERY_SECONDS/);
  });
});
