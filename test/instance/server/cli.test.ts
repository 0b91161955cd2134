// `npm run instance` (test/instance/cli.ts): starts both instances and prints URLs and tokens that work.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('cli', () => {
  it("prints each user's sign-in URL and a working token", async () => {
    const data = mkdtempSync(join(tmpdir(), 'hush-cli-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/instance/cli.ts',
        '--port-a',
        '0',
        '--port-b',
        '0',
        '--admin-port-a',
        '0',
        '--admin-port-b',
        '0',
        '--data',
        data,
      ],
      { cwd: join(import.meta.dirname, '..', '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ctrl-C')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`cli exited ${String(code)}: ${out}`)));
      });
      const users = [
        ...out.matchAll(/@(\w+)@(\w\.test)\s+id (\d+)\s+(http:\/\/127\.0\.0\.1:\d+)\/\?as=\1\s+token (\S+)/g),
      ];
      expect(users.map((m) => `${m[1] ?? ''}@${m[2] ?? ''}`)).toEqual([
        'alice@a.test',
        'carol@a.test',
        'bob@b.test',
        'dave@b.test',
      ]);
      const bob = users[2];
      const res = await fetch(`${bob?.[4] ?? ''}/api/v1/accounts/verify_credentials`, {
        headers: { authorization: `Bearer ${bob?.[5] ?? ''}` },
      });
      expect(((await res.json()) as { id: string }).id).toBe(bob?.[3]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
