/** Reading k6's environment with clear errors: shared by the k6 scenarios. */

export function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function required(name: string, hint: string): string {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} is required: ${hint} (k6 run -e ${name}=... or export it)`);
  return value;
}

export function positiveInt(name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return Number(raw);
}
