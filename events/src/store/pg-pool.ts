import pg from 'pg';

const ignore = () => undefined;

/**
 * A pg.Pool that outlives its database's restarts. pg emits 'error' on a client whose
 * connection ends, idle or checked out, and an 'error' nobody listens to is an uncaught
 * exception: one killed session would take the process down. So every client gets a
 * listener the moment it connects; the pool drops a broken client on release (it is no
 * longer queryable), and whoever used it got the error from their query. The next
 * query opens a new connection, or fails with its own error while the database is gone.
 */
export function createPgPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  return pool;
}

/**
 * Options for a connection held open for LISTEN: keepalive probes find a peer that went
 * away without a word (a failover), and a connect that hangs gives up instead of holding
 * up whoever waits on it.
 */
export const LISTEN_CONNECTION: Pick<pg.ClientConfig, 'keepAlive' | 'keepAliveInitialDelayMillis' | 'connectionTimeoutMillis'> = {
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  connectionTimeoutMillis: 5_000,
};
