import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { assertNever, ERROR_TITLES, type ErrorCode, type FieldIssue, isTollgateError } from '../../core/errors.js';

/** The management API's one exit for errors: application/problem+json (RFC 9457). */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
    case 'csrf':
    case 'not_verified':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
    case 'invalid_state':
    case 'idempotency_mismatch':
      return 409;
    case 'refused':
    case 'insufficient_funds':
      return 422;
    case 'locked':
      return 423;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    default:
      return assertNever(code);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  issues?: FieldIssue[];
  requestId: string;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  issues: readonly FieldIssue[] = [],
): FastifyReply {
  const status = statusOf(code);
  const body: Problem = {
    type: `https://tollgate.dev/problems/${code}`,
    title: ERROR_TITLES[code],
    status,
    code,
    detail,
    ...(issues.length > 0 && { issues: [...issues] }),
    requestId: String(request.id),
  };
  return reply.code(status).type('application/problem+json').send(body);
}

function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

/** Maps whatever was thrown; unknown errors are logged with the request id and answered without internals. */
export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isTollgateError(error)) return sendProblem(request, reply, error.code, error.detail, error.issues);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: v.message ?? 'invalid value',
    }));
    return sendProblem(request, reply, 'validation', describeIssues(issues), issues);
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return sendProblem(request, reply, 'validation', 'the request body is not valid JSON');
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).type('application/problem+json').send({
      type: 'https://tollgate.dev/problems/too_large',
      title: 'Request body too large',
      status: 413,
      code: 'validation',
      detail: 'the request body is larger than 64 KiB',
      requestId: String(request.id),
    });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.code(415).type('application/problem+json').send({
      type: 'https://tollgate.dev/problems/unsupported_media_type',
      title: 'Unsupported media type',
      status: 415,
      code: 'validation',
      detail: 'send the body as application/json',
      requestId: String(request.id),
    });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(request, reply, 'internal', `something unexpected happened; quote request id ${request.id} when reporting it`);
}
