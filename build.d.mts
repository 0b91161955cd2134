export function makeManifest(opts?: { test?: boolean; target?: 'both' | 'chrome' | 'firefox' }): Record<
  string,
  unknown
> & {
  permissions: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  background: { service_worker?: string; scripts?: string[] };
};
export function build(opts?: {
  test?: boolean;
  target?: 'both' | 'chrome' | 'firefox';
  outdir?: string;
  minify?: boolean;
  sourcemap?: 'inline' | false;
}): Promise<string>;
