import { z } from 'zod';

/** The dashboard server's configuration, read once from the environment. */
const DashboardConfig = z.object({
  QUERY_URL: z.url().default('http://127.0.0.1:3002'),
  COMMAND_URL: z.url().default('http://127.0.0.1:3001'),
  DASHBOARD_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  DASHBOARD_SESSION_SECRET: z.string().min(32, 'DASHBOARD_SESSION_SECRET must be at least 32 characters: it seals the session cookie'),
});

export interface Config {
  queryUrl: string;
  commandUrl: string;
  port: number;
  sessionSecret: string;
}

let config: Config | null = null;

/** Read on first use, not at import: `next build` imports the server code without the secret. */
export function getConfig(): Config {
  if (!config) {
    const parsed = DashboardConfig.safeParse(process.env);
    if (!parsed.success) throw new Error(`dashboard configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const e = parsed.data;
    config = {
      queryUrl: e.QUERY_URL.replace(/\/$/, ''),
      commandUrl: e.COMMAND_URL.replace(/\/$/, ''),
      port: e.DASHBOARD_PORT,
      sessionSecret: e.DASHBOARD_SESSION_SECRET,
    };
  }
  return config;
}
