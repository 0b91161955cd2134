// Browser tests always run against a fresh test build of the extension.
import { build } from '../../build.mjs';
import { testExtensionDir } from './launch';

export default async function setup(): Promise<void> {
  await build({ test: true, outdir: testExtensionDir });
}
