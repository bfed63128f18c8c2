// The CLI with a model given as files (--gguf, --safetensors, --mmproj) and fetched from a local Hub
// (--hf, HF_ENDPOINT, HF_TOKEN): headers only, published figures, and a clear line for each failure.
// Usage: node tests/cli/model_files.test.mjs path/to/vramcalc
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GGML, gguf, pythiaQ8, safetensors, writeSparse } from '../tools/model_files.mjs';

const bin = process.argv[2];
let passed = 0, failed = 0;
function check(name, cond, detail = '') {
  if (cond) passed++;
  else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
// The Hub server runs in another process: spawnSync would block this one's event loop.
const runAsync = (args, env = {}) => new Promise((resolve) => {
  const p = spawn(bin, args, { env: { ...process.env, HF_TOKEN: '', ...env } });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  p.on('close', (status) => resolve({ status, stdout, stderr }));
});
const run = (...args) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, HF_ENDPOINT: 'http://127.0.0.1:1' } });
const json = (r) => { try { return JSON.parse(r.stdout); } catch { return null; } };
const dir = fs.mkdtempSync(path.join(tmpdir(), 'vramcalc-files-'));
const ggmlci = ['--gpu-memory-gib', '15.77', '--context', '2048', '--n-batch', '512', '--gpu-layers', '99', '--kv-dtype', 'fp16', '--json'];

// ggml-ci's pythia-2.8b Q8_0 (llama.cpp 0006f5a, V100): "CUDA0 model buffer size = 2684.57 MiB",
// "CPU_Mapped model buffer size = 130.49 MiB". A 2.95 GB file of which only the header exists on disk.
const pythia = path.join(dir, 'pythia-2.8b-Q8_0.gguf');
writeSparse(pythia, pythiaQ8());
{
  const r = run('estimate', '--gguf', pythia, ...ggmlci);
  const j = json(r);
  check('--gguf answers', r.status === 0 && j && !j.error, r.stderr);
  if (j) {
    check('model buffer 2684.57 MiB', Math.abs(j.model_buffer_bytes / 2 ** 20 - 2684.57) < 0.005, j.model_buffer_bytes / 2 ** 20);
    check('host buffer 130.49 MiB', Math.abs(j.cpu_bytes / 2 ** 20 - 130.49) < 0.005, j.cpu_bytes / 2 ** 20);
    check('answers for llama.cpp', String(j.engine_version).startsWith('llama.cpp'), j.engine_version);
  }
  const plain = run('estimate', '--gguf', pythia);
  check('the report says the weights came from the header', plain.stderr.includes('388 tensors'), plain.stderr);
}

// A split set: the first part finds its siblings; a missing part is named.
{
  const part = (no, tensors, kv = []) => gguf({ kv: [['split.no', 'u32', no], ['split.count', 'u32', 3], ...kv], tensors });
  const meta = [['general.architecture', 'str', 'llama'], ['general.file_type', 'u32', 1], ['llama.block_count', 'u32', 2],
    ['llama.embedding_length', 'u32', 256], ['llama.attention.head_count', 'u32', 4], ['llama.context_length', 'u32', 2048]];
  writeSparse(path.join(dir, 'tiny-00001-of-00003.gguf'), part(0, [['token_embd.weight', GGML.F16, [256, 1000]]], meta));
  writeSparse(path.join(dir, 'tiny-00002-of-00003.gguf'), part(1, [['blk.0.attn_q.weight', GGML.F16, [256, 256]]]));
  let r = run('estimate', '--gguf', path.join(dir, 'tiny-00001-of-00003.gguf'));
  check('a missing split part is named', r.status === 2 && r.stderr.includes('missing tiny-00003-of-00003.gguf'), r.stderr);
  writeSparse(path.join(dir, 'tiny-00003-of-00003.gguf'), part(2, [['blk.1.attn_q.weight', GGML.F16, [256, 256]]]));
  r = run('estimate', '--gguf', path.join(dir, 'tiny-00001-of-00003.gguf'), '--json');
  const j = json(r);
  // tied output: token_embd again with the output layer; 2 x 256 x 256 x 2 B + 1000 x 256 x 2 B
  check('the split set is read whole', j && j.model_buffer_bytes === 2 * 131072 + 512000, r.stderr || r.stdout);
  // An mmproj adds its projector: 1024 x 1024 x 2 B
  writeSparse(path.join(dir, 'mmproj-tiny-f16.gguf'), gguf({ kv: [['general.architecture', 'str', 'clip']], tensors: [['v.patch_embd.weight', GGML.F16, [1024, 1024]]] }));
  const m = json(run('estimate', '--gguf', path.join(dir, 'tiny-00001-of-00003.gguf'), '--mmproj', path.join(dir, 'mmproj-tiny-f16.gguf'), '--json'));
  check('--mmproj adds the projector', m && j && m.per_gpu.weights_bytes === j.per_gpu.weights_bytes + 2 * 2 ** 20, m && m.per_gpu.weights_bytes);
}

// safetensors: an index with its shards and config.json beside it.
{
  const shard = (layers, extra) => {
    const t = [];
    for (const l of layers) t.push([`model.layers.${l}.self_attn.q_proj.weight`, 'BF16', [256, 256]], [`model.layers.${l}.mlp.up_proj.weight`, 'BF16', [512, 256]]);
    return safetensors([...t, ...extra]);
  };
  const st = path.join(dir, 'st');
  fs.mkdirSync(st);
  writeSparse(path.join(st, 'model-00001-of-00002.safetensors'), shard([0], [['model.embed_tokens.weight', 'BF16', [1000, 256]]]));
  writeSparse(path.join(st, 'model-00002-of-00002.safetensors'), shard([1], [['lm_head.weight', 'BF16', [1000, 256]]]));
  fs.writeFileSync(path.join(st, 'model.safetensors.index.json'), JSON.stringify({ weight_map: {
    'model.embed_tokens.weight': 'model-00001-of-00002.safetensors', 'lm_head.weight': 'model-00002-of-00002.safetensors' } }));
  let r = run('estimate', '--safetensors', path.join(st, 'model.safetensors.index.json'));
  check('safetensors without config.json asks for it', r.status === 2 && r.stderr.includes('config.json'), r.stderr);
  fs.writeFileSync(path.join(st, 'config.json'), JSON.stringify({ model_type: 'llama', hidden_size: 256, num_hidden_layers: 2,
    num_attention_heads: 4, num_key_value_heads: 4, intermediate_size: 512, vocab_size: 1000, max_position_embeddings: 2048,
    tie_word_embeddings: false, torch_dtype: 'bfloat16' }));
  r = run('estimate', '--safetensors', path.join(st, 'model.safetensors.index.json'), '--explain');
  check('--safetensors with an index answers', r.status === 0 && r.stdout.includes('safetensors headers'), r.stderr + r.stdout);
  r = run('estimate', '--safetensors', path.join(st, 'model-00001-of-00002.safetensors'), path.join(st, 'model-00002-of-00002.safetensors'),
    '--config', path.join(st, 'config.json'), '--engine', 'transformers', '--json');
  check('--safetensors shards with --config, and --engine wins', r.status === 0 && json(r) && String(json(r).engine_version).includes('transformers'), r.stderr);
}

// Broken files: one clear line each, exit 2, never a crash.
{
  const bad = (name, bytes, words) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    const r = run('estimate', name.endsWith('.gguf') ? '--gguf' : '--safetensors', f);
    check(`${name} refused`, r.status === 2 && r.stderr.includes(words) && r.stderr.trim().split('\n').length === 1, r.stderr);
  };
  const h = pythiaQ8().header;
  bad('cut.gguf', h.subarray(0, 5000), 'truncated');
  const be = Buffer.from(h.subarray(0, 64));
  be.writeUInt32BE(3, 4);
  bad('be.gguf', be, 'big-endian');
  bad('notgguf.gguf', Buffer.from('PK\x03\x04 a zip file'), 'not a GGUF file');
  bad('bad.safetensors', Buffer.from('\x10\x00\x00\x00\x00\x00\x00\x00{"a": 1}       '), 'tensor');
  const r = run('estimate', '--gguf', path.join(dir, 'nope.gguf'));
  check('a missing file is named', r.status === 2 && r.stderr.includes('nope.gguf'), r.stderr);
  const both = run('estimate', '--gguf', pythia, '--hf', 'a/b');
  check('two model sources refused', both.status === 2 && both.stderr.includes('give one'), both.stderr);
}

// The Hub: a local server with recorded repository layouts (tests/hub/hub_server.mjs).
const { startHub, TOKEN } = await import('../hub/hub_server.mjs');
const hub = await startHub();
try {
  const env = { HF_ENDPOINT: hub.url };
  let r = await runAsync(['estimate', '--hf', 'acme/tiny-llama', '--json'], env);
  let j = json(r);
  // tiny-llama: 3,385,856 bytes of BF16 tensors (the index's total_size)
  check('--hf reads a safetensors repo', r.status === 0 && j && j.per_gpu.weights_bytes >= 3385856, r.stderr);
  check('--hf prints progress on stderr', r.stderr.includes('reading the header of model-00001-of-00002.safetensors'), r.stderr);
  check('--hf read headers by range', hub.stats.requests.some((q) => q.range.startsWith('bytes=0-')));
  r = await runAsync(['estimate', '--hf', 'acme/pythia-2.8b-GGUF'], env);
  check('several GGUFs: choose one', r.status === 2 && r.stderr.includes('--hf-file') && r.stderr.includes('pythia-2.8b-Q8_0.gguf'), r.stderr);
  r = await runAsync(['estimate', '--hf', 'acme/pythia-2.8b-GGUF', '--hf-file', 'pythia-2.8b-Q8_0.gguf', ...ggmlci], env);
  j = json(r);
  check('--hf-file: the GGUF model buffer 2684.57 MiB', j && Math.abs(j.model_buffer_bytes / 2 ** 20 - 2684.57) < 0.005, r.stderr);
  r = await runAsync(['estimate', '--hf', 'acme/pythia-2.8b-GGUF', '--hf-file', 'split/tiny-F16-00001-of-00002.gguf', '--json'], env);
  check('--hf-file: a split set in a folder', r.status === 0 && json(r) && json(r).model_buffer_bytes > 0, r.stderr);
  r = await runAsync(['estimate', '--hf', 'acme/gated-llama'], env);
  check('gated without a token', r.status === 2 && r.stderr.includes('this repo is gated: set HF_TOKEN'), r.stderr);
  check('no token sent when none set', !hub.stats.requests.some((q) => q.auth));
  r = await runAsync(['estimate', '--hf', 'acme/gated-llama', '--json'], { ...env, HF_TOKEN: TOKEN });
  check('gated with HF_TOKEN', r.status === 0 && json(r) && !json(r).error, r.stderr);
  r = await runAsync(['estimate', '--hf', 'acme/missing'], env);
  check('not found', r.status === 2 && r.stderr.includes('was not found'), r.stderr);
  r = await runAsync(['estimate', '--hf', 'acme/readme-only'], env);
  check('not a model repo', r.status === 2 && r.stderr.includes('not a model repository'), r.stderr);
  r = await runAsync(['estimate', '--hf', 'acme/tiny-llama'], { HF_ENDPOINT: 'http://127.0.0.1:1' });
  check('no network', r.status === 2 && r.stderr.includes('cannot reach'), r.stderr);
  r = await runAsync(['estimate', '--hf', 'not a repo'], env);
  check('a bad repo id', r.status === 2 && r.stderr.includes('not a Hugging Face repo id'), r.stderr);
} finally {
  await hub.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`cli model files: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
