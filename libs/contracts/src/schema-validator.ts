import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

/**
 * The Ajv validator of a TypeBox schema: a type guard for the schema's `Static` type. Ajv caches
 * compiled schemas by object, so asking again for the same schema costs a map look-up.
 */
export const validatorOf = <S extends TSchema>(schema: S): ValidateFunction<Static<S>> =>
  ajv.compile<Static<S>>(schema);
