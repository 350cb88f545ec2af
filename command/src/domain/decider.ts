import type { ParleyEvent } from '@parley/events';

/** Emmett-style decider: pure functions over one aggregate's stream. */
export interface Decider<Command, State, Event extends ParleyEvent = ParleyEvent> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Makes `decide` total: a command type the switch forgot does not compile. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
