/** Exhaustiveness check: a new event type or variant fails to compile until handled. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
