import { BadRequestException } from '@nestjs/common';
import Ajv, { type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: false });

/** Checks a request body against a JSON Schema; a mismatch is a 400 whose details name every offending field. */
export class JsonBodyValidator<T> {
  private readonly validate: ValidateFunction;

  constructor(schema: object) {
    this.validate = ajv.compile(schema);
  }

  parse(body: unknown): T {
    if (this.validate(body)) return body as T;
    const details = (this.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new BadRequestException({ message: `invalid request body: ${details.join('; ')}`, details });
  }
}
