/**
 * Writes the Grafana dashboards (deploy/grafana/dashboards/*.json) from src/. Edit src/, then run
 * `npx tsx deploy/grafana/build.ts`; test/deploy checks the committed JSON matches.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fleetDashboard } from './src/fleet';
import { jobsDashboard } from './src/jobs';

/** File name -> dashboard JSON text, as committed. */
export function renderDashboards(): Record<string, string> {
  const text = (d: unknown) => `${JSON.stringify(d, null, 2)}\n`;
  return { 'pure-fleet.json': text(fleetDashboard()), 'pure-jobs.json': text(jobsDashboard()) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('./dashboards/', import.meta.url));
  for (const [file, json] of Object.entries(renderDashboards())) writeFileSync(`${dir}${file}`, json);
}
