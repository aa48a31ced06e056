// The JSON Schema → JSON Pointer problems helper is shared with the connector SDK (libs/config).
export { compileJsonSchema as compileSchema, jsonSchemaProblems as problemsOf, jsonPointer } from '@tessera/config';
