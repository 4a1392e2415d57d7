import { trace } from '@opentelemetry/api';
import { currentRequestScope } from './request-scope';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let defaultLevel: LogLevel = 'info';

/** The level of loggers created without one: the process's LOG_LEVEL, set once its configuration is read. */
export function setDefaultLogLevel(level: LogLevel): void {
  defaultLevel = level;
}

/**
 * Structured JSON logs, one object per line, with the trace and request ids of the active request.
 * Callers pass facts (ids, counts, error names), never secrets or claim values: log fields are
 * chosen by code, not copied from requests.
 */
export class JsonLogger {
  constructor(
    private readonly service: string,
    private readonly minLevel: LogLevel = defaultLevel,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  child(service: string): JsonLogger {
    return new JsonLogger(service, this.minLevel, this.write);
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const span = trace.getActiveSpan()?.spanContext();
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      message,
      ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}),
      ...(currentRequestScope() ? { request_id: currentRequestScope()!.requestId } : {}),
      ...fields,
    };
    if (fields.error instanceof Error) entry.error = { name: fields.error.name, message: fields.error.message };
    this.write(JSON.stringify(entry));
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }
}
