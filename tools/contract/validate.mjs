// Validates an OpenAPI document with @apidevtools/swagger-parser (structure against the OpenAPI 3.1 schema, every $ref
// resolved). Usage: node validate.mjs openapi.json. Prints "valid" or the errors, and exits non-zero on any.
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs <openapi.json>');
  process.exit(2);
}
try {
  const api = await SwaggerParser.validate(file);
  console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
} catch (error) {
  console.error(`invalid: ${error.message}`);
  for (const detail of error.details ?? []) {
    console.error(JSON.stringify(detail));
  }
  process.exit(1);
}
