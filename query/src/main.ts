// The query process: query API + analytics endpoints (+ projectors unless PARLEY_RUN_PROJECTORS=false).
import { closeOnSignals, createEventStore, loadConfig } from '@parley/kit';
import { startReadSide } from './read-side.ts';

const config = loadConfig(process.env);
const store = await createEventStore(config);
const readSide = await startReadSide(config, store);
const base = await readSide.query.app.listen({ host: config.host, port: config.ports.query });
console.log(`query API     ${base}   (OpenAPI: ${base}/openapi.json, lag: ${base}/health)`);

closeOnSignals(
  () => readSide.close(),
  () => store.close(),
);
