/**
 * Closes what a process opened on SIGINT or SIGTERM, in the order given, then exits: 0
 * when everything closed, 1 when something failed (printed, so the cause is not lost).
 */
export function closeOnSignals(...steps: (() => unknown)[]): void {
  const shutdown = async () => {
    try {
      for (const step of steps) await step();
      process.exit(0);
    } catch (error) {
      console.error('shutdown failed:', error);
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown());
}
