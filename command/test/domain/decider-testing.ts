import type { ParleyEvent } from '@parley/events';
import { AppError } from '@parley/kit';
import type { Decider } from '../../src/domain/decider.ts';

/** Runs decide + evolve for each command in turn, from a fresh initial state. */
export function history<C, S, E extends ParleyEvent>(decider: Decider<C, S, E>, commands: readonly C[]): { state: S; events: E[] } {
  let state = decider.initialState();
  const all: E[] = [];
  for (const command of commands) {
    const events = decider.decide(command, state);
    all.push(...events);
    state = events.reduce(decider.evolve, state);
  }
  return { state, events: all };
}

/** The AppError a command is refused with; fails when it is accepted. */
export function rejection(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, but the command was accepted');
}
