// Packs a linked single-file page (run after the link of vramcalc.html and of bench's bare page):
//   node scripts/pack_page.mjs PAGE.html [DATA_DIR]
// - The wasm, which -sSINGLE_FILE=1 writes as a base64 data URI inside Emscripten's script, moves
//   gzip-compressed into its own block, <script type="application/octet-stream" id="vramcalc-wasm">,
//   at shell.html's "<!-- vramcalc wasm -->" marker; shell.html's Module.instantiateWasm inflates it
//   with the browser's DecompressionStream while it compiles. Base64 of the raw wasm is 4/3 of its
//   bytes and gzip gains little on it (the 6-bit alphabet hides the byte patterns): the page was
//   3.2 MB and 1.1 MB gzipped, and the browser parsed every byte of it before the first frame.
// - With DATA_DIR, core/data's catalogs go in as minified JSON text at "<!-- vramcalc catalogs -->"
//   (wasm/catalog_web.cpp reads them): as text they gzip like text, which they could not inside the
//   wasm. "</" is written "<\/" (the same JSON string), so no catalog text can close its block.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [pagePath, dataDir] = process.argv.slice(2);
const fail = (message) => {
  console.error(`pack_page: ${pagePath}: ${message}`);
  process.exit(1);
};
if (!pagePath) {
  console.error('usage: node scripts/pack_page.mjs PAGE.html [DATA_DIR]');
  process.exit(2);
}

// The JSON text without the whitespace between tokens. Numbers keep their spelling (a JSON.parse /
// stringify round trip would turn 8192.0 into 8192, which the config reader tells apart).
const minifyJson = (text) => {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') {
      out += c;
    }
  }
  return out;
};

// models.json without each entry's "source" and "notes": provenance for the people who keep the
// catalog (core/data/README.md), which parse_model_catalog never reads; a fifth of the text the page
// would parse at start. Each entry is cut out of the minified text as it stands (numbers keep their
// spelling): only those two top-level string members go.
const withoutProvenance = (text) => {
  const entries = JSON.parse(text);
  let out = text;
  for (const key of ['source', 'notes']) {
    for (const e of entries) {
      if (typeof e[key] !== 'string') continue;
      const member = `,"${key}":${JSON.stringify(e[key])}`;
      if (!out.includes(member)) fail(`models.json: ${e.id}: "${key}" is not where expected`);
      out = out.replace(member, '');
    }
  }
  if (JSON.parse(out).some((e) => 'source' in e || 'notes' in e)) fail('models.json: provenance left behind');
  return out;
};

let page = fs.readFileSync(pagePath, 'utf8');
const replaceMarker = (marker, text) => {
  const at = page.indexOf(marker);
  if (at < 0) fail(`no '${marker}' (shell.html), or the page is packed already`);
  page = page.slice(0, at) + text + page.slice(at + marker.length);
};

const uriHead = 'wasmBinaryFile="data:application/octet-stream;base64,';
const start = page.indexOf(uriHead);
if (start < 0) fail('no base64 wasm (is it linked with -sSINGLE_FILE=1?)');
const end = page.indexOf('"', start + uriHead.length);
const wasm = Buffer.from(page.slice(start + uriHead.length, end), 'base64');
if (wasm.subarray(0, 4).toString('latin1') !== '\0asm') fail('the data URI does not hold a wasm module');
// An empty data URI stays behind: Emscripten never fetches it (instantiateWasm replaces its loader).
page = page.slice(0, start) + uriHead + page.slice(end);
const packed = zlib.gzipSync(wasm, { level: 9 }).toString('base64');
replaceMarker('<!-- vramcalc wasm -->',
  `<script type="application/octet-stream" id="vramcalc-wasm" data-bytes="${wasm.length}">${packed}</script>`);

if (dataDir) {
  const blocks = [['models', 'vramcalc-models'], ['gpus', 'vramcalc-gpus'], ['formats', 'vramcalc-formats']]
    .map(([name, id]) => {
      const file = path.join(dataDir, `${name}.json`);
      const raw = fs.readFileSync(file, 'utf8');
      let text = minifyJson(raw);
      try {
        if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(JSON.parse(raw))) fail(`${file}: minifying changed it`);
        if (name === 'models') text = withoutProvenance(text);
      } catch (e) {
        fail(`${file}: ${e.message}`);
      }
      return `<script type="application/json" id="${id}">${text.replaceAll('</', '<\\/')}</script>`;
    });
  replaceMarker('<!-- vramcalc catalogs -->', blocks.join('\n'));
}
fs.writeFileSync(pagePath, page);
