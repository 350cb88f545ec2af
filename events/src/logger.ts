/**
 * What library code may say about itself, without knowing where it goes: the process
 * that wires it up decides (a console, a structured logger, nothing). An `error` field
 * carries the failure itself, so an adapter can print its stack or its message.
 */
export interface LogFields {
  error?: unknown;
  [field: string]: unknown;
}

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const nothing = () => undefined;

/** The default wherever nobody passed a logger: library code never writes to the console on its own. */
export const silentLogger: Logger = { info: nothing, warn: nothing, error: nothing };

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Lines of the form `[source] level: message: error {fields}`; info to stdout, warnings
 * and errors to stderr. For processes without a structured logger of their own.
 */
export function consoleLogger(source: string): Logger {
  const line = (level: string, message: string, fields: LogFields | undefined) => {
    const { error, ...rest } = fields ?? {};
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `[${source}] ${level}: ${message}${error === undefined ? '' : `: ${describeError(error)}`}${extra}`;
  };
  return {
    info: (message, fields) => console.log(line('info', message, fields)),
    warn: (message, fields) => console.warn(line('warn', message, fields)),
    error: (message, fields) => console.error(line('error', message, fields)),
  };
}
