/** Writes demo-out/index.html: one row per job with input, output, entropy heatmap and the model's text. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One job on the sheet; image paths are relative to the sheet. */
export interface SheetRow {
  name: string;
  status: string;
  input: string;
  output?: string;
  heatmap?: string;
  degradation?: string;
  caption?: string;
  meanEntropy?: number;
  seconds?: number;
  error?: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const img = (src: string | undefined, alt: string) => (src ? `<img src="${esc(src)}" alt="${esc(alt)}">` : '<span>-</span>');

/** Renders the sheet; paths in rows are relative to `dir`. Returns the file written. */
export async function writeContactSheet(dir: string, rows: SheetRow[], note: string): Promise<string> {
  const body = rows
    .map(
      (r) => `<tr><td><b>${esc(r.name)}</b><br>${esc(r.status)}${r.seconds !== undefined ? `<br>${r.seconds.toFixed(1)} s` : ''}</td>
<td>${img(r.input, 'input')}</td><td>${img(r.output, 'output')}</td><td>${img(r.heatmap, 'entropy')}</td>
<td><p><i>degradation:</i> ${esc(r.degradation ?? '')}</p><p><i>caption:</i> ${esc(r.caption ?? '')}</p>${
        r.meanEntropy !== undefined ? `<p>mean entropy ${r.meanEntropy.toFixed(3)} nats</p>` : ''
      }${r.error ? `<p class="err">${esc(r.error)}</p>` : ''}</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>pure-serve demo</title>
<style>body{font-family:sans-serif;margin:2em}td{vertical-align:top;padding:6px;border-bottom:1px solid #ddd}
img{width:192px;height:192px;image-rendering:pixelated;object-fit:contain;background:#eee}.err{color:#b00}</style></head>
<body><h1>pure-serve demo</h1><p>${esc(note)}</p>
<table><tr><th>job</th><th>input</th><th>output</th><th>entropy heatmap</th><th>text</th></tr>
${body}</table></body></html>`;
  const path = join(dir, 'index.html');
  await writeFile(path, html);
  return path;
}
