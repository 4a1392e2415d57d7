import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ProblemError, type FieldProblem } from './errors';

const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

const fieldOf = (e: ErrorObject): string => {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required')
    return [path, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (e.keyword === 'additionalProperties')
    return [path, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
  return path || '(body)';
};

/** Validates an admin API body against its JSON Schema; a 400 problem names every bad field. */
export function validateBody<T>(schema: object, body: unknown): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(body)) return body as T;
  const errors: FieldProblem[] = (validate.errors ?? []).map((e) => ({
    field: fieldOf(e),
    message: e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid'),
  }));
  throw new ProblemError(400, 'Invalid request body', 'the request body does not match the schema', errors);
}
