/** Runs `work` from `writers` loops for `seconds`, counting the rows each call reports. */
export async function measure(writers: number, seconds: number, work: (w: number) => Promise<number>): Promise<number> {
  let rows = 0;
  const until = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (Date.now() < until) {
        const done = await work(w); // not `rows += await ...`: that reads `rows` before the await
        rows += done;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return rows / elapsed;
}
