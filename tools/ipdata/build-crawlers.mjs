// Rebuilds data/crawler-user-agents.txt from the npm package crawler-user-agents (MIT):
//   cd tools/ipdata && npm ci && node build-crawlers.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, 'node_modules', 'crawler-user-agents', 'package.json'), 'utf8'));
const list = JSON.parse(readFileSync(join(here, 'node_modules', 'crawler-user-agents', 'crawler-user-agents.json'), 'utf8'));
const header = `# Bot user-agent patterns (regular expressions, one a line), from the npm package crawler-user-agents ${pkg.version}\n` +
  '# (MIT, https://github.com/monperrus/crawler-user-agents). Rebuild: tools/ipdata/build-crawlers.mjs\n';
writeFileSync(join(here, '..', '..', 'data', 'crawler-user-agents.txt'), header + list.map((x) => x.pattern).join('\n') + '\n');
console.log(`${list.length} patterns`);
