// The CLI under hostile input (issue 12): every case exits 0 with sane numbers or 2 with one clear
// line on stderr (and {"error": ...} on stdout with --json), quickly, never a crash, an abort, a hang,
// NaN or a wrapped figure.
// Usage: node tests/cli/hostile.test.mjs path/to/vramcalc   (CTest runs it on the release and the
// sanitized build; VRAMCALC_CLI_TIMEOUT_S sets the per-run hang limit, default 10 s)
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.argv[2];
const timeoutMs = 1000 * Number(process.env.VRAMCALC_CLI_TIMEOUT_S || 10);
const dir = mkdtempSync(join(tmpdir(), 'vramcalc-hostile-'));
let passed = 0, failed = 0, slowest = { ms: 0, name: '' };
function check(name, cond, detail = '') {
  if (cond) passed++;
  else { failed++; console.log(`FAIL ${name} ${String(detail).slice(0, 300)}`); }
}

// Arguments are Buffers or strings: raw bytes (0xFF) reach argv through /bin/sh's printf, since Node
// passes only UTF-8 strings to a child.
function run(args) {
  const words = args.map((a) => Buffer.isBuffer(a) ? `"$(printf '${[...a].map((b) => '\\' + b.toString(8).padStart(3, '0')).join('')}')"` :
                                                     `'${a.replace(/'/g, `'\\''`)}'`);
  const t0 = Date.now();
  const r = spawnSync('/bin/sh', ['-c', `exec "$0" ${words.join(' ')}`, bin], { encoding: 'buffer', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const ms = Date.now() - t0;
  if (r.error && !r.stdout) return { status: null, signal: String(r.error.code), ms, stdout: '', stderr: String(r.error),
                                     stderrBytes: Buffer.alloc(0), stdoutBytes: Buffer.alloc(0) };
  const out = { status: r.status, signal: r.signal, ms, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'),
                stderrBytes: r.stderr, stdoutBytes: r.stdout };
  return out;
}
const validUtf8 = (buf) => { try { new TextDecoder('utf-8', { fatal: true }).decode(buf); return true; } catch { return false; } };
const parse = (s) => { try { return JSON.parse(s); } catch { return null; } };

// The contract for one invocation. With --json: stdout is JSON (the answer, or {"error"} on exit 2).
function expectAnswerOrRefusal(name, args) {
  const r = run(args);
  const json = args.includes('--json') || (args.includes('--export') && args[args.indexOf('--export') + 1] === 'json');
  if (r.ms > slowest.ms) slowest = { ms: r.ms, name };
  if (process.env.VRAMCALC_CLI_TIMES) console.log(`${r.ms} ms  ${name}`);
  check(`${name}: no crash or hang`, r.signal === null && (r.status === 0 || r.status === 2),
        `status ${r.status} signal ${r.signal} after ${r.ms} ms; ${r.stderr.slice(0, 200)}`);
  check(`${name}: stderr is valid UTF-8`, validUtf8(r.stderrBytes));
  check(`${name}: stdout is valid UTF-8`, validUtf8(r.stdoutBytes));
  if (r.status === 2) {
    const lines = r.stderr.trimEnd().split('\n');
    check(`${name}: one clear line on stderr`, lines.length === 1 && lines[0].startsWith('vramcalc: ') && lines[0].length < 1100,
          JSON.stringify(r.stderr.slice(0, 300)));
    if (json) check(`${name}: {"error"} JSON`, typeof parse(r.stdout)?.error === 'string', r.stdout.slice(0, 200));
  }
  if (r.status === 0 && json) {
    const j = parse(r.stdout);
    check(`${name}: JSON answer`, j !== null, r.stdout.slice(0, 200));
    if (j && 'fits' in j) saneEstimate(name, j);
  }
  if (r.status === 0 && !json) check(`${name}: no NaN or inf`, !/\bnan\b|\binf\b|NaN/i.test(r.stdout), r.stdout.slice(0, 300));
  return r;
}

// Sane: no negative or non-finite byte figure, the verdict agrees with the printed per-GPU total, and
// the headroom is memory minus total (never INT64_MIN).
function saneEstimate(name, j) {
  const figures = [];
  const walk = (v, path) => {
    if (typeof v === 'number' && /bytes/.test(path)) figures.push([path, v]);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(j, '');
  const bad = figures.filter(([p, v]) => !Number.isFinite(v) || (v < 0 && !p.endsWith('headroom_bytes')));
  check(`${name}: byte figures finite and non-negative`, bad.length === 0, JSON.stringify(bad.slice(0, 3)));
  const total = j.per_gpu?.total_bytes, mem = j.gpu_memory_bytes;
  if (typeof total === 'number' && typeof mem === 'number') {
    check(`${name}: fits agrees with the per-GPU total`, !j.fits || total <= mem, `fits ${j.fits}, total ${total}, memory ${mem}`);
    check(`${name}: headroom is not INT64_MIN`, j.headroom_bytes > -9.2e18, j.headroom_bytes);
  }
}

const file = (name, text) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const llama = { model_type: 'llama', hidden_size: 2048, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8,
                intermediate_size: 8192, vocab_size: 128256 };
const deep = (n) => '['.repeat(n) + ']'.repeat(n);
const ff = Buffer.from([0xff, 0xfe]);

// ---- invalid UTF-8 reaching JSON output (exit 134, type_error 316, before) --------------------------
expectAnswerOrRefusal('0xFF model id, --json', ['estimate', '--model', ff, '--json']);
expectAnswerOrRefusal('0xFF name, --export json', ['estimate', '--name', Buffer.from('ab\xff', 'latin1'), '--params', '7e9', '--export', 'json']);
expectAnswerOrRefusal('0xFF GPU id, --json', ['estimate', '--gpu', Buffer.from('rtx-\xff', 'latin1'), '--json']);
expectAnswerOrRefusal('0xFF in a flag name', ['estimate', Buffer.from('--\xff', 'latin1'), '--json']);
expectAnswerOrRefusal('0xFF link', ['estimate', '--link', Buffer.from('#m=\xff&name=%FF', 'latin1'), '--json']);
// An error text cut in the middle of a character: the quoted value is shortened to 40 bytes.
expectAnswerOrRefusal('multibyte value cut in a message', ['estimate', '--context', 'é'.repeat(40), '--json']);
expectAnswerOrRefusal('multibyte model cut in a message', ['estimate', '--model', '日本語'.repeat(100), '--json']);
{
  const cfg = file('ff.json', Buffer.concat([Buffer.from(JSON.stringify({ ...llama, architectures: ['X'] }).replace('"X"', '"')),
                                             Buffer.from([0xff]), Buffer.from('"]}')]));
  expectAnswerOrRefusal('0xFF in a config string, --json', ['estimate', '--config', cfg, '--json']);
  expectAnswerOrRefusal('0xFF in a config string, --export json', ['estimate', '--config', cfg, '--export', 'json']);
  const sc = file('ff-scenario.json', Buffer.concat([Buffer.from('{"model": "'), Buffer.from([0xff]), Buffer.from('"}')]));
  expectAnswerOrRefusal('0xFF in a scenario file', ['estimate', '--scenario', sc, '--json']);
}

// ---- deep nesting (segfault, before) ---------------------------------------------------------------
for (const n of [100_000, 1_000_000]) {
  const cfg = file(`deep-field-${n}.json`, JSON.stringify(llama).replace('"hidden_size":2048', `"hidden_size":${deep(n)}`));
  expectAnswerOrRefusal(`config field nested ${n} deep`, ['estimate', '--config', cfg, '--json']);
  expectAnswerOrRefusal(`link of a config nested ${n} deep`, ['link', '--config', cfg]);
  expectAnswerOrRefusal(`--export json of a config nested ${n} deep`, ['estimate', '--config', cfg, '--export', 'json']);
  const sv = file(`deep-value-${n}.json`, `{"context": ${deep(n)}}`);
  expectAnswerOrRefusal(`scenario value nested ${n} deep`, ['estimate', '--scenario', sv, '--json']);
  const sk = file(`deep-key-${n}.json`, `{"no_such_key": ${deep(n)}}`);
  expectAnswerOrRefusal(`unknown scenario key nested ${n} deep`, ['estimate', '--scenario', sk, '--json']);
  const sc = file(`deep-custom-${n}.json`, `{"custom_config": {"model_type": "llama", "x": ${deep(n)}}}`);
  expectAnswerOrRefusal(`scenario custom_config nested ${n} deep`, ['link', '--scenario', sc]);
}
{
  // The old share-link guard skipped "strings" and was fooled by a comment holding a quote.
  // (A link on the command line nests at most ~45k deep: Linux caps one argument at 128 KiB.)
  const hidden = (n) => JSON.stringify(llama).replace('{', `{"a": 1 /*"*/, "b": ${deep(n)},`);
  const cfg = file('comment-quote.json', hidden(1_000_000));
  expectAnswerOrRefusal('comment holding a quote, then 1M nesting', ['link', '--config', cfg]);
  const b64 = Buffer.from(hidden(40_000)).toString('base64url');
  expectAnswerOrRefusal('share link cfg nested 40k deep behind /*"*/', ['estimate', '--link', `#v=1&cfg=${b64}`, '--json']);
}

// ---- huge numbers (silent overflow, before) ----------------------------------------------------------
for (const [field, value] of [['n_shared_experts', 1e300], ['shared_expert_intermediate_size', 1e300], ['v_head_dim', 1e300],
                              ['q_lora_rank', 1e300], ['linear_num_value_heads', 1e300], ['mamba_d_state', 1e300],
                              ['num_hidden_layers', 1e300], ['hidden_size', 1e18], ['vocab_size', 9223372036854775807],
                              ['intermediate_size', -1], ['num_attention_heads', 0]]) {
  const cfg = file(`huge-${field}.json`, JSON.stringify({ ...llama, [field]: value }));
  expectAnswerOrRefusal(`config ${field} = ${value}`, ['estimate', '--config', cfg, '--json']);
}
{
  const q = file('bits-1e300.json', JSON.stringify({ ...llama, quantization_config: { quant_method: 'gptq', bits: 1e300 } }));
  expectAnswerOrRefusal('quantization bits = 1e300', ['estimate', '--config', q, '--json']);
  const moe = file('moe-huge.json', JSON.stringify({ ...llama, model_type: 'qwen2_moe', num_experts: 64, num_experts_per_tok: 8,
    moe_intermediate_size: 1408, shared_expert_intermediate_size: 1e300, n_shared_experts: 9e18 }));
  expectAnswerOrRefusal('giant shared experts', ['estimate', '--config', moe, '--json']);
  expectAnswerOrRefusal('context 1e300', ['estimate', '--context', '1e300', '--json']);
  expectAnswerOrRefusal('GPU memory 1e300 GiB', ['estimate', '--gpu-memory-gib', '1e300', '--json']);
}

// ---- wrap-around verdicts ---------------------------------------------------------------------------
{
  const r = expectAnswerOrRefusal('transformers 1000 GiB, context 52375051, batch 1M',
    ['estimate', '--engine', 'transformers', '--gpu-memory-gib', '1000', '--context', '52375051', '--batch', '1000000', '--json']);
  check('transformers 52375051 x 1M does not say fits', parse(r.stdout)?.fits !== true, r.stdout.slice(0, 200));
  const h = expectAnswerOrRefusal('context 100M, batch 1M', ['estimate', '--context', '100000000', '--batch', '1000000']);
  check('context 100M x 1M prints no INT64_MIN headroom', !h.stdout.includes('9223372036854775808') && !/\d{10,} GiB/.test(h.stdout), h.stdout.slice(0, 200));
  for (const e of ['vllm', 'llamacpp', 'transformers', 'sglang', 'simple']) {
    const w = e === 'llamacpp' ? 'gguf-q4_k_m' : 'bf16';
    expectAnswerOrRefusal(`${e}: the largest context and batch accepted`,
      ['estimate', '--engine', e, '--weights', w, '--context', '10000000', '--batch', '1000', '--json']);
    // 4096, the most accepted (kMaxGpus): each estimate lists every GPU and the answers run dozens of
    // estimates, so the GPU count is the cost ceiling (docs/reliability.md).
    expectAnswerOrRefusal(`${e}: 4096 GPUs`, ['estimate', '--engine', e, '--weights', w, '--gpus', '4096', '--nodes', '512', '--json']);
    const over = expectAnswerOrRefusal(`${e}: 65536 GPUs`, ['estimate', '--engine', e, '--weights', w, '--gpus', '65536', '--json']);
    check(`${e}: 65536 GPUs is refused, naming the ceiling`, over.status === 2 && over.stderr.includes('4096'), over.stderr.slice(0, 200));
    // SGLang above ~20 TiB per GPU rounds mem_fraction_static to 1.000; "fits" now follows the printed
    // sums (core/estimate.cpp settle_sums), so it fits only if every GPU's total is within memory.
    const big = expectAnswerOrRefusal(`${e}: 1e5 GiB per GPU`, ['estimate', '--engine', e, '--weights', w, '--gpu-memory-gib', '100000', '--json']);
    const bj = parse(big.stdout);
    if (bj && bj.fits === true)
      check(`${e}: 1e5 GiB fits only with every GPU total within memory`, bj.gpus.every((g) => g.total_bytes <= bj.gpu_memory_bytes), big.stdout.slice(0, 200));
  }
}

// ---- size: big files are refused unread, big strings answer quickly ------------------------------------
{
  const big = file('name-50mb.json', JSON.stringify({ ...llama, _name_or_path: 'x'.repeat(50 << 20) }));
  expectAnswerOrRefusal('config with a 50 MB name string', ['estimate', '--config', big, '--json']);
  const bigScenario = file('scenario-50mb.json', JSON.stringify({ custom_config: llama, custom_name: 'y'.repeat(50 << 20) }));
  expectAnswerOrRefusal('scenario with a 50 MB custom_name', ['estimate', '--scenario', bigScenario, '--json']);
  const name900k = file('name-900kb.json', JSON.stringify({ ...llama, _name_or_path: 'x'.repeat(900_000) }));
  expectAnswerOrRefusal('config with a 900 KB name string (under the 1 MiB limit)', ['estimate', '--config', name900k, '--json']);
  expectAnswerOrRefusal('--config /dev/zero', ['estimate', '--config', '/dev/zero', '--json']);
  expectAnswerOrRefusal('--scenario a directory', ['estimate', '--scenario', dir, '--json']);
  expectAnswerOrRefusal('--model of 100 KB', ['estimate', '--model', 'q'.repeat(100_000), '--json']);
  const layers = file('layers-10k.json', JSON.stringify({ ...llama, num_hidden_layers: 10000,
    layer_types: Array.from({ length: 10000 }, (_, i) => (i % 2 ? 'full_attention' : 'sliding_attention')), sliding_window: 4096 }));
  expectAnswerOrRefusal('config with 10,000 layers', ['estimate', '--config', layers, '--json']);
}

console.log(`cli hostile: ${passed} passed, ${failed} failed; slowest run ${slowest.ms} ms (${slowest.name})`);
process.exit(failed ? 1 : 0);
