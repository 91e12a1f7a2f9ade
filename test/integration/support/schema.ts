// The documented --json schema, compiled once for the tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { packageRoot } from '../../../src/core/paths.js';

const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'run-v1.schema.json'), 'utf8')) as object;
export const validateRunReport = new Ajv2020({ allErrors: true }).compile(schema);
