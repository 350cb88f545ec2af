import { describe, expect, it } from 'vitest';
import { PositionWaiter } from '../src/store/position-waiter.ts';

const byNumber = (a: number, b: number) => a - b;

describe('PositionWaiter', () => {
  it('wakes a waiter once its position is reached, and ignores positions that go back', async () => {
    const waiter = new PositionWaiter<number>(byNumber, 1);
    const reached = waiter.waitFor(3, 10_000);
    waiter.advance(2);
    waiter.advance(0);
    expect(waiter.current).toBe(2);
    expect(waiter.waiting).toBe(1);
    waiter.advance(4);
    expect(await reached).toBe(true);
    expect(waiter.waiting).toBe(0);
    expect(await waiter.waitFor(4, 0)).toBe(true);
  });

  it('answers false on timeout, on abort and on releaseAll, and forgets those waiters', async () => {
    const waiter = new PositionWaiter<number>(byNumber);
    expect(await waiter.waitFor(1, 0)).toBe(false);
    expect(await waiter.waitFor(1, 5)).toBe(false);
    const aborting = new AbortController();
    const aborted = waiter.waitFor(1, 10_000, aborting.signal);
    aborting.abort();
    expect(await aborted).toBe(false);
    const released = waiter.waitFor(1, 10_000);
    waiter.releaseAll();
    expect(await released).toBe(false);
    expect(waiter.waiting).toBe(0);
  });
});
