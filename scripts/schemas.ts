/** `npm run schemas`: writes the editor JSON schemas of the configuration files to schemas/. */
import * as fs from 'fs';
import * as path from 'path';
import { editorSchemas } from '../lib/platform/config/editor-schemas';

const dir = path.resolve(__dirname, '..', 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const [file, schema] of Object.entries(editorSchemas())) {
  fs.writeFileSync(path.join(dir, file), JSON.stringify(schema, undefined, 2) + '\n');
  console.log(`wrote schemas/${file}`);
}
