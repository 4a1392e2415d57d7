import { createSessionRequestSchema, createSessionResponseSchema } from './create-session.request';

const problem = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const sessionSummary = {
  type: 'object',
  properties: {
    session_id: { type: 'string' },
    status: {
      enum: [
        'created',
        'offer_created',
        'offer_retrieved',
        'authorization_requested',
        'authorized',
        'token_issued',
        'credential_issued',
        'credential_deferred',
        'failed',
        'expired',
        'erased',
      ],
    },
    grant_type: { type: ['string', 'null'] },
    credential_configuration_ids: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
    event_count: { type: 'integer' },
    offer_retrievals: { type: 'integer' },
    last_error: {
      type: ['object', 'null'],
      description: 'the latest warning or error entry; reason is the catalogue reason of a refusal',
      properties: {
        type: { type: 'string' },
        message: { type: 'string' },
        occurred_at: { type: 'string', format: 'date-time' },
        reason: { type: 'string' },
      },
    },
  },
};

const timelineEntry = {
  type: 'object',
  properties: {
    seq: { type: 'integer', description: 'position in the session, by occurrence' },
    event_id: { type: 'string' },
    occurred_at: { type: 'string', format: 'date-time' },
    type: { type: 'string', description: 'event type, e.g. offer_retrieved' },
    level: { enum: ['debug', 'info', 'warn', 'error'] },
    source: { type: 'string' },
    endpoint: { type: ['string', 'null'] },
    message: { type: 'string' },
    data: {
      type: 'object',
      description:
        'the event payload, redacted: sealed values and secrets never appear. data.request is the wallet request (method, path, user agent, masked client_ip, headers, query, body) under the redaction policy: tokens, codes, DPoP proofs, attestations and proof JWTs as <present, len=N, sha256=XXXXXXXX>, tx_code as <present, withheld>, claims as names',
    },
    trace_id: { type: ['string', 'null'] },
    request_id: { type: 'string' },
    explanation: {
      type: 'object',
      description: 'present on refusals: what was wrong, how to fix it, where the spec says so',
      properties: {
        title: { type: 'string' },
        reason: { type: 'string' },
        help: { type: 'string' },
        spec_ref: { type: 'string' },
        error: { type: 'string' },
        compares: {
          type: 'string',
          description: 'for a comparison: what was checked, e.g. htu claim of the DPoP proof',
        },
        expected: { type: 'string', description: 'the value the issuer expected (never a secret)' },
        provided: { type: 'string', description: 'the value the wallet sent (never a secret)' },
      },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: { 400: 'invalid request', 401: 'no or unknown token', 403: 'read-only token', 404: 'not found' }[
          c
        ],
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );

/** The admin API as an OpenAPI 3.1 document, built from the same schemas the services validate with. */
export function adminOpenApiDocument(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hallmark admin API',
      version: '1',
      description: 'Issuance sessions, credential offers and the session inspection views.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      '/admin/sessions': {
        post: {
          summary: 'Create an issuance session and its credential offer (admin token)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateSessionRequest' } } },
          },
          responses: {
            201: {
              description: 'created',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateSessionResponse' } } },
            },
            ...errors(400, 401, 403),
          },
        },
        get: {
          summary: 'List sessions, newest first (admin or auditor token)',
          parameters: [
            ...['status', 'credential_configuration_id', 'grant_type', 'cursor'].map((name) => ({
              name,
              in: 'query',
              schema: { type: 'string' },
            })),
            ...['from', 'to'].map((name) => ({ name, in: 'query', schema: { type: 'string', format: 'date-time' } })),
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          ],
          responses: {
            200: {
              description: 'a page of sessions',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      sessions: { type: 'array', items: { $ref: '#/components/schemas/SessionSummary' } },
                      next_cursor: { type: ['string', 'null'] },
                    },
                  },
                },
              },
            },
            ...errors(400, 401),
          },
        },
      },
      '/admin/sessions/{session_id}': {
        parameters: [{ name: 'session_id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary: "A session's summary and timeline, newest first (admin or auditor token)",
          parameters: [
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            {
              name: 'collapse',
              in: 'query',
              schema: { type: 'boolean', default: true },
              description: 'show runs of identical entries once, with count and first_occurred_at',
            },
          ],
          responses: {
            200: {
              description: 'the session',
              content: {
                'application/json': {
                  schema: {
                    allOf: [
                      { $ref: '#/components/schemas/SessionSummary' },
                      {
                        type: 'object',
                        properties: {
                          timeline: { type: 'array', items: { $ref: '#/components/schemas/TimelineEntry' } },
                          timeline_next_cursor: { type: ['string', 'null'] },
                        },
                      },
                    ],
                  },
                },
              },
            },
            ...errors(400, 401, 404),
          },
        },
        delete: {
          summary:
            'Erase a session: its data key is destroyed, its personal data and secrets become unreadable (admin token)',
          responses: { 204: { description: 'erased' }, ...errors(401, 403, 404) },
        },
      },
      '/admin/sessions/{session_id}/stream': {
        parameters: [{ name: 'session_id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary:
            "Server-sent events: the session's timeline entries, oldest first, then each new one as it is projected (admin or auditor token; resume with Last-Event-ID)",
          responses: {
            200: {
              description: '`event: entry`, `id: <seq>`, `data: <TimelineEntry>`',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors(401, 404),
          },
        },
      },
      '/admin/sessions/{session_id}/report': {
        parameters: [{ name: 'session_id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary:
            'A self-contained interop report: the flow, each step and outcome, each problem explained, trace ids (JSON, or Markdown with ?format=md or Accept: text/markdown)',
          parameters: [{ name: 'format', in: 'query', schema: { enum: ['json', 'md'] } }],
          responses: {
            200: {
              description: 'the report',
              content: {
                'application/json': { schema: { type: 'object' } },
                'text/markdown': { schema: { type: 'string' } },
              },
            },
            ...errors(401, 404),
          },
        },
      },
      '/admin/requests': {
        get: {
          summary:
            'Wallet requests no session could be tied to (nonce requests, foreign codes, bad tokens), newest first (admin or auditor token)',
          parameters: [
            { name: 'outcome', in: 'query', schema: { enum: ['ok', 'error'] } },
            { name: 'type', in: 'query', schema: { type: 'string' }, description: 'event type, e.g. token_rejected' },
            ...['from', 'to'].map((name) => ({ name, in: 'query', schema: { type: 'string', format: 'date-time' } })),
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          ],
          responses: {
            200: {
              description: 'a page of requests',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      requests: { type: 'array', items: { $ref: '#/components/schemas/TimelineEntry' } },
                      next_cursor: { type: ['string', 'null'] },
                    },
                  },
                },
              },
            },
            ...errors(400, 401),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'HALLMARK_ADMIN_TOKEN, or HALLMARK_AUDITOR_TOKEN for reading',
        },
      },
      schemas: {
        CreateSessionRequest: createSessionRequestSchema,
        CreateSessionResponse: createSessionResponseSchema,
        Problem: problem,
        SessionSummary: sessionSummary,
        TimelineEntry: timelineEntry,
      },
    },
  };
}
