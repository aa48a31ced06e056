import { BadRequestException } from '@nestjs/common';
import Ajv, { type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: false, strict: true });

export interface SchemaViolation {
  /** JSON Pointer into the body, e.g. "/records/3/mapping/email". */
  path: string;
  message: string;
}

/** A compiled JSON Schema whose failures become a 400 naming the offending path. */
export class JsonSchemaValidator<T> {
  private readonly validate: ValidateFunction<T>;

  constructor(schema: JSONSchemaType<T> | object) {
    this.validate = ajv.compile<T>(schema as JSONSchemaType<T>);
  }

  /** Returns the body typed, or throws BadRequestException with `details: SchemaViolation[]`. */
  check(body: unknown, what = 'body'): T {
    if (this.validate(body)) return body;
    const details = (this.validate.errors ?? []).map(toViolation);
    const first = details[0];
    const message = first ? `${what}${first.path || ''} ${first.message}` : `${what} is invalid`;
    throw new BadRequestException({ message, details });
  }
}

function toViolation(error: ErrorObject): SchemaViolation {
  let path = error.instancePath;
  if (error.keyword === 'additionalProperties') path += `/${String(error.params.additionalProperty)}`;
  if (error.keyword === 'required') path += `/${String(error.params.missingProperty)}`;
  const message = error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
  return { path, message };
}
