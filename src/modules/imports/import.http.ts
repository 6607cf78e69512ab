import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import express from 'express';
import { GraphQLError } from 'graphql';
import { ruleAllows } from '../../access/guard';
import { FIELD_RULES } from '../../access/policy';
import type { Authenticator, Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { LONG_STATEMENT_TIMEOUT_MS } from '../../db/transaction';
import { unavailableReason } from '../../db/unavailable';
import { logger } from '../../logger';
import { DomainError } from '../../errors/domain-errors';
import { toGlobalId } from '../../graphql/relay';
import { rateLimited, rateLimitHeaders, type KeyBudgets, type Verdict } from '../../access/budget';
import { afterIngest } from '../accounting/after-ingest';
import type { ComplianceMonitor } from '../compliance/alerts.service';
import { runAudited } from '../audit/audit.scope';
import type { PubSub } from '../realtime/pubsub';
import { ImportRejectedError, importReadings, ImportRowLimitError } from './import.service';
import { COLUMNS, ImportFileError, parseMapping, type ColumnMap } from './reading-file.parser';

/** Bigger files go through `npm run cli -- import readings` on the hub's machine. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** Problems listed in an error response; the count says how many there were in all. */
const LISTED_PROBLEMS = 1000;

const KINDS: Record<string, 'csv' | 'xlsx'> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Counts bytes on their way to disk and stops at the limit (413). */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > max ? new HttpError(413, 'BAD_USER_INPUT', `the body is over ${max} bytes; import bigger files with the CLI`) : null, chunk);
    },
  });
}

/** The first rejected rows of the report, for the response (the whole report may be long). */
async function listedProblems(report: string): Promise<{ row: number; column: string; reason: string }[]> {
  const out: { row: number; column: string; reason: string }[] = [];
  const parser = createReadStream(report).pipe(parse({ columns: true }));
  for await (const p of parser as AsyncIterable<{ row: string; column: string; reason: string }>) {
    out.push({ row: Number(p.row), column: p.column, reason: p.reason });
    if (out.length === LISTED_PROBLEMS) break;
  }
  parser.destroy();
  return out;
}

/**
 * `POST /import/readings` with a Bearer key and a CSV or XLSX body (Content-Type text/csv or the
 * XLSX type, or `?format=csv|xlsx`; other headers by `?serial=Meter%20No.&value=kWh`). The body is spooled to a private temporary file first, so a
 * slow upload never holds a database transaction open, then imported exactly as the CLI does,
 * with the key's write rights checked per meter. Errors use the GraphQL error shape and codes.
 */
export function importRouter(db: Database, pubsub: PubSub, keys: Authenticator, budgets: KeyBudgets, monitor: ComplianceMonitor): express.Router {
  const router = express.Router();
  router.post('/import/readings', async (req, res) => {
    let dir: string | null = null;
    let principal: Principal | null = null;
    // A file costs one point per row; the key's budget left when it starts caps its rows.
    let verdict: Verdict | null = null;
    let charged = false;
    let uploaded = false;
    try {
      principal = await keys.principalFor(req.headers.authorization, req.ip);
      if (!ruleAllows(principal, FIELD_RULES['HTTP.importReadings'])) throw new HttpError(403, 'FORBIDDEN', 'this key may not import readings');
      verdict = await budgets.fresh(principal);
      if (verdict && !verdict.allowed) throw overBudget(verdict);
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const format = typeof req.query.format === 'string' ? req.query.format.toLowerCase() : undefined;
      const kind = format === 'csv' || format === 'xlsx' ? format : KINDS[type];
      if (!kind) throw new HttpError(415, 'BAD_USER_INPUT', 'send the file as Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet (or ?format=csv|xlsx)');

      dir = await mkdtemp(path.join(os.tmpdir(), 'ewc-upload-'));
      const file = path.join(dir, `upload.${kind}`);
      await pipeline(req, byteLimit(MAX_UPLOAD_BYTES), createWriteStream(file, { mode: 0o600 }));
      uploaded = true;
      const requestId = String(res.getHeader('x-request-id') ?? randomUUID());
      const importer = principal;
      const result = await runAudited({ requestId, operation: 'POST /import/readings' }, () =>
        importReadings(db.pool, file, db.timezone, {
          submittedBy: `http import by ${importer.keyName}`,
          principal: importer,
          mapping: mappingOf(req.query),
          maxRows: verdict?.remaining,
          // One COPY of the whole file, at the database's pace (the upload is on disk already): not a request's timeout.
          statementTimeoutMs: db.statementTimeoutMs && LONG_STATEMENT_TIMEOUT_MS,
        }),
      );
      verdict = await budgets.chargeAnyway(principal, result.rows);
      charged = true;
      setRateLimitHeaders(res, verdict);
      await afterIngest({ db, pubsub, monitor }, result.events, result.refreshedMonths);
      res.json({
        rows: result.rows,
        accepted: result.accepted,
        duplicates: result.duplicates,
        // Rows in closed years: the frozen figures show them only after recalculateYear.
        closedYearRows: result.closedYearRows.rows,
        closedYears: result.closedYearRows.years,
        batchId: result.batchId === null ? null : toGlobalId('ReadingBatch', result.batchId),
        ms: result.ms,
      });
    } catch (err) {
      // A refused file still cost the hub its reading: one point.
      if (principal && !charged && !(err instanceof HttpError && err.code === 'RATE_LIMITED')) verdict = (await budgets.chargeAnyway(principal, 1)) ?? verdict;
      const failure = err instanceof ImportRowLimitError && verdict ? overBudget({ ...verdict, allowed: false, cost: err.maxRows + 1 }, err.maxRows) : err;
      if (!res.headersSent) setRateLimitHeaders(res, verdict);
      // The address's refusal carries its own RateLimit headers and Retry-After.
      const head = err instanceof GraphQLError ? (err.extensions.http as { headers?: Map<string, string> } | undefined)?.headers : undefined;
      if (head && !res.headersSent) for (const [name, value] of head) res.setHeader(name, value);
      const e = await asHttpError(failure, uploaded, db.statementTimeoutMs);
      if (e.status === 500) logger.error('import failed', { error: err });
      if (e.status === 503 && !res.headersSent) res.setHeader('retry-after', '5');
      res.status(e.status).json({ errors: [{ message: e.message, extensions: { code: e.code, ...e.extra } }] });
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
  return router;
}

function setRateLimitHeaders(res: express.Response, verdict: Verdict | null): void {
  if (verdict) for (const [name, value] of rateLimitHeaders(verdict)) res.setHeader(name, value);
}

/** 429: the key's budget is spent, or the file has more rows than it has points left (`rowsLeft`). */
function overBudget(v: Verdict, rowsLeft?: number): HttpError {
  const e = rateLimited(v);
  const message =
    rowsLeft === undefined
      ? e.message
      : `the file has more than ${rowsLeft} rows, the points left in this key's budget this minute (a row costs one point): nothing imported; split it, retry after ${v.resetSeconds} s, or import it with the CLI`;
  return new HttpError(429, 'RATE_LIMITED', message, { retryAfter: v.resetSeconds });
}

function isUploadError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'ECONNABORTED';
}

/** `?serial=Meter%20No.&value=kWh`: the CLI's --mapping as query parameters. */
function mappingOf(query: express.Request['query']): ColumnMap | undefined {
  const given = Object.fromEntries(Object.entries(query).filter(([k]) => k in COLUMNS));
  return Object.keys(given).length ? parseMapping(given) : undefined;
}

async function asHttpError(err: unknown, uploaded: boolean, statementTimeoutMs: number): Promise<HttpError> {
  if (err instanceof HttpError) return err;
  const unavailable = unavailableReason(err, statementTimeoutMs);
  if (unavailable && (uploaded || !isUploadError(err))) return new HttpError(503, 'SERVICE_UNAVAILABLE', unavailable);
  if (err instanceof GraphQLError) {
    const code = String(err.extensions.code ?? 'INTERNAL_SERVER_ERROR');
    // Too many wrong keys from this address: 429 with its retryAfter.
    if (err.originalError instanceof DomainError) return new HttpError(code === 'RATE_LIMITED' ? 429 : 400, code, err.message, err.originalError.details);
    return new HttpError(code === 'UNAUTHENTICATED' ? 401 : 400, code, err.message);
  }
  if (err instanceof ImportFileError) return new HttpError(400, 'BAD_USER_INPUT', err.message);
  // The client went away mid-upload: nothing was imported, and it is not the hub's fault.
  if (!uploaded && isUploadError(err)) return new HttpError(400, 'BAD_USER_INPUT', 'the upload was interrupted; nothing imported');
  if (err instanceof ImportRejectedError) {
    const problems = await listedProblems(err.report);
    // Every problem a permission one: the key, not the file, is at fault.
    const forbidden = err.forbidden === err.rejected;
    return new HttpError(
      forbidden ? 403 : 400,
      forbidden ? 'FORBIDDEN' : 'BAD_USER_INPUT',
      `${err.rejected} problem(s) in the file, nothing imported`,
      { rejected: err.rejected, problems },
    );
  }
  return new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}
