// `npm run instance`: starts a.test (alice, carol) and b.test (bob, dave) on fixed ports and prints
// their URLs and tokens. Options: --port-a N --port-b N --data DIR --version 4.4.0 --max-characters N --fresh
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFederation } from './server/federation.ts';

const { values } = parseArgs({
  options: {
    'port-a': { type: 'string', default: process.env.HUSH_PORT_A ?? '3001' },
    'port-b': { type: 'string', default: process.env.HUSH_PORT_B ?? '3002' },
    'admin-port-a': { type: 'string', default: '4001' },
    'admin-port-b': { type: 'string', default: '4002' },
    data: { type: 'string', default: '.instance-data' },
    version: { type: 'string', default: '4.8.0' },
    'max-characters': { type: 'string', default: '500' },
    fresh: { type: 'boolean', default: false },
  },
});

const dataDir = resolve(values.data);
if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
const fed = await startFederation({
  dataDir,
  uiVersion: values.version,
  maxCharacters: Number(values['max-characters']),
  ports: { 'a.test': Number(values['port-a']), 'b.test': Number(values['port-b']) },
  adminPorts: { 'a.test': Number(values['admin-port-a']), 'b.test': Number(values['admin-port-b']) },
});

for (const inst of Object.values(fed.instances)) {
  console.log(`\n${inst.domain}  ${inst.origin}  (admin ${inst.adminOrigin}, db ${inst.dbPath})`);
  for (const [name, u] of Object.entries(inst.users)) {
    console.log(`  @${u.acct.padEnd(14)} id ${u.id}  ${inst.origin}/?as=${name}  token ${u.token}`);
  }
}
console.log(`\nweb UI version ${values.version}; data in ${dataDir}. Ctrl-C to stop.`);

const shutdown = (): void => {
  void fed.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
