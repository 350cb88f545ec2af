import { signBody } from '@parley/command/testing';
import type { FastifyInstance } from 'fastify';

/**
 * How the demo talks to the command API, as a client would: JSON commands with a bearer
 * key, and WhatsApp webhooks signed with the number's app secret. Over HTTP for the live
 * demo, or injected into an in-process command platform for the history (its clock is
 * simulated, so nothing else may reach it).
 */
export interface DemoClient {
  call<T>(path: string, body: unknown, key: string, method?: 'POST' | 'PUT'): Promise<T>;
  webhook(payload: unknown, appSecret: string): Promise<void>;
}

type Send = (request: { method: string; path: string; headers: Record<string, string>; body: string }) => Promise<{ status: number; text: string }>;

function clientOver(send: Send): DemoClient {
  return {
    async call<T>(path: string, body: unknown, key: string, method: 'POST' | 'PUT' = 'POST'): Promise<T> {
      const res = await send({
        method,
        path,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`demo seed: ${method} ${path} answered ${res.status}: ${res.text}`);
      return JSON.parse(res.text) as T;
    },
    async webhook(payload: unknown, appSecret: string): Promise<void> {
      const raw = JSON.stringify(payload);
      const res = await send({
        method: 'POST',
        path: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, appSecret) },
        body: raw,
      });
      if (res.status !== 200) throw new Error(`demo seed: webhook answered ${res.status}: ${res.text}`);
    },
  };
}

/** The command API at `baseUrl`, over HTTP. */
export const httpDemoClient = (baseUrl: string): DemoClient =>
  clientOver(async ({ method, path, headers, body }) => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    return { status: res.status, text: await res.text() };
  });

/** A command API in this process, through its real routes (Fastify's inject: no socket). */
export const injectDemoClient = (app: FastifyInstance): DemoClient =>
  clientOver(async ({ method, path, headers, body }) => {
    const res = await app.inject({ method: method as 'POST' | 'PUT', url: path, headers, payload: body });
    return { status: res.statusCode, text: res.body };
  });
