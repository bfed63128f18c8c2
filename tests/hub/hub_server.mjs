// A local stand-in for the Hugging Face Hub, on 127.0.0.1 only, serving the recorded repository layouts
// under tests/data/hub/ORG/NAME/ (api.json: what /api/models/ORG/NAME answers; headers.json: each file,
// as text or as a GGUF/safetensors header whose data is zeros up to the file's size). It answers as the
// Hub does: resolve URLs of weight files redirect (302) to storage, Range requests get 206 with
// Content-Range, gated repos want "Authorization: Bearer hf_test_token" (401 with X-Error-Code
// GatedRepo otherwise), unknown repos 401 RepoNotFound, unknown files 404 EntryNotFound; CORS lets a
// file:// page read it. Point HF_ENDPOINT (or the page's endpoint field) at the URL it prints.
//   node tests/hub/hub_server.mjs [PORT]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as writer from '../tools/model_files.mjs';

const dataDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../data/hub');
export const TOKEN = 'hf_test_token';

// repo -> {api, files: {name -> {bytes: Buffer (the header or text), size}}}
function loadRepos() {
  const repos = {};
  for (const org of fs.readdirSync(dataDir)) {
    for (const name of fs.readdirSync(path.join(dataDir, org))) {
      const dir = path.join(dataDir, org, name);
      const api = JSON.parse(fs.readFileSync(path.join(dir, 'api.json'), 'utf8'));
      const files = {};
      for (const [file, spec] of Object.entries(JSON.parse(fs.readFileSync(path.join(dir, 'headers.json'), 'utf8')))) {
        let made;
        if (spec.text !== undefined) made = { header: Buffer.from(spec.text, 'utf8'), size: Buffer.byteLength(spec.text) };
        else if (spec.generator) made = writer[spec.generator]();
        else if (spec.gguf) made = writer.gguf(spec.gguf);
        else made = writer.safetensors(spec.safetensors);
        files[file] = { bytes: made.header, size: made.size, lfs: spec.text === undefined };
      }
      repos[`${org}/${name}`] = { api, files, gated: api.gated !== false };
    }
  }
  return repos;
}

// Bytes [start, end] of a file that is its header followed by zeros.
function slice(f, start, end) {
  const out = Buffer.alloc(end - start + 1);
  if (start < f.bytes.length) f.bytes.copy(out, 0, start, Math.min(f.bytes.length, end + 1));
  return out;
}

export function startHub({ port = 0, log = false } = {}) {
  const repos = loadRepos();
  const stats = { requests: [], bytesSent: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, X-Error-Code, X-Repo-Commit',
    };
    const send = (status, headers, body = '') => {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
      stats.bytesSent += buf.length;
      res.writeHead(status, { ...cors, 'Content-Length': buf.length, ...headers });
      res.end(req.method === 'HEAD' ? undefined : buf);
    };
    const fail = (status, code, message) => send(status, { 'Content-Type': 'application/json', 'X-Error-Code': code }, JSON.stringify({ error: message }));
    stats.requests.push({ method: req.method, path: url.pathname, range: req.headers.range || '', auth: !!req.headers.authorization });
    if (log) console.log(req.method, url.pathname, req.headers.range || '');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': 'Authorization, Range',
        'Access-Control-Max-Age': '600' });
      return res.end();
    }
    if (url.pathname === '/__stats') return send(200, { 'Content-Type': 'application/json' }, JSON.stringify(stats));
    const p = decodeURIComponent(url.pathname);
    let m = p.match(/^\/api\/models\/([^/]+\/[^/]+)$/);
    if (m) {
      const repo = repos[m[1]];
      if (!repo) return fail(401, 'RepoNotFound', `Repository Not Found for url: ${url}.`);
      return send(200, { 'Content-Type': 'application/json' }, JSON.stringify(repo.api));
    }
    m = p.match(/^\/(cdn\/)?([^/]+\/[^/]+)\/resolve\/main\/(.+)$/);
    if (!m) return fail(404, 'EntryNotFound', 'Not found');
    const [, cdn, repoId, file] = m;
    const repo = repos[repoId];
    if (!repo) return fail(401, 'RepoNotFound', 'Repository not found');
    if (repo.gated && !cdn && req.headers.authorization !== `Bearer ${TOKEN}`)
      return fail(req.headers.authorization ? 403 : 401, 'GatedRepo', `Access to model ${repoId} is restricted.`);
    const f = repo.files[file];
    if (!f) return fail(404, 'EntryNotFound', `${file} does not exist`);
    // Weight files live in storage: the resolve URL redirects there (signed URLs need no token).
    if (f.lfs && !cdn) return send(302, { Location: `/cdn/${repoId}/resolve/main/${encodeURI(file)}` });
    const range = (req.headers.range || '').match(/^bytes=(\d+)-(\d*)$/);
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] === '' ? f.size - 1 : Number(range[2]), f.size - 1);
      if (start >= f.size) return send(416, { 'Content-Range': `bytes */${f.size}` });
      return send(206, { 'Content-Range': `bytes ${start}-${end}/${f.size}`, 'Accept-Ranges': 'bytes' }, slice(f, start, end));
    }
    if (f.size > 64 << 20) return fail(400, 'TooLarge', 'this test server sends large files only by range');
    return send(200, { 'Accept-Ranges': 'bytes' }, slice(f, 0, f.size - 1));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({ url, stats, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  startHub({ port: Number(process.argv[2] || 0), log: true }).then(({ url }) => console.log(`hub: listening on ${url}`));
}
