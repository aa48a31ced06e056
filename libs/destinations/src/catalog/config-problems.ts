// The JSON Schema → JSONPath problems helper is shared with the connector SDK (libs/config).
export { compileJsonSchema as compileSchema, jsonSchemaProblems as problemsOf, jsonPath } from '@tessera/config';
