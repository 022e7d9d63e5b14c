import { html, raw } from 'hono/html';

interface Operation {
  summary?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  responses?: Record<string, { description?: string }>;
}

type Document = { info: { title: string; version: string }; paths?: Record<string, Record<string, Operation>> };

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A readable, dependency-free rendering of the OpenAPI document. */
export function renderDocs(doc: Document) {
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = op.requestBody?.content?.['application/json']?.schema;
      const params = (op.parameters ?? []).map((p) => `${p.name} (${p.in}${p.required ? ', required' : ''})`).join(', ');
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `${code} ${r.description ?? ''}`).join('; ');
      return `<section><h3><code class="m ${method}">${method.toUpperCase()}</code> <code>${escape(path)}</code></h3>
        <p>${escape(op.summary ?? '')}</p>
        ${params ? `<p><b>Parameters:</b> ${escape(params)}</p>` : ''}
        ${body ? `<details><summary>Body schema</summary><pre>${escape(JSON.stringify(body, null, 2))}</pre></details>` : ''}
        <p><b>Responses:</b> ${escape(responses)}</p></section>`;
    }),
  );
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${doc.info.title} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1f2937}
section{border-top:1px solid #e5e7eb;padding:.5rem 0}h3{margin:.3rem 0;font-size:1rem}pre{background:#f3f4f6;padding:.6rem;overflow:auto;font-size:12px}
.m{padding:1px 6px;border-radius:4px;color:#fff;background:#6b7280}.get{background:#2563eb}.post{background:#16a34a}.patch{background:#d97706}.put{background:#7c3aed}.delete{background:#dc2626}</style>
</head><body><h1>${doc.info.title} <small>${doc.info.version}</small></h1>
<p>JSON under <code>/api</code>. Log in with <code>POST /api/auth/login</code> and send the token as <code>Authorization: Bearer &lt;JWT&gt;</code>.
The machine-readable document is at <a href="/api/openapi.json">/api/openapi.json</a>. The relay itself (<code>/v1/chat/completions</code>,
<code>/v1/completions</code>, <code>/v1/embeddings</code>, <code>/v1/models</code>, <code>/v1/messages</code>) speaks OpenAI's and Anthropic's formats.</p>
${raw(sections.join('\n'))}</body></html>`;
}
