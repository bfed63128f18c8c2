// The CLI contract: flags, JSON fields, and bad input exiting 2 with one clear line.
// Usage: node tests/cli/cli.test.mjs path/to/vramcalc
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.argv[2];
let passed = 0, failed = 0;
const run = (...args) => spawnSync(bin, args, { encoding: 'utf8' });
function check(name, cond, detail = '') {
  if (cond) { passed++; } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
const json = (r) => { try { return JSON.parse(r.stdout); } catch { return null; } };

// A catalog model by HF id, case-insensitively, with every field the contract names.
{
  const r = run('estimate', '--model', 'meta-llama/llama-3.1-8b-instruct', '--gpu', 'h100-sxm', '--json');
  const j = json(r);
  check('estimate exits 0', r.status === 0, r.stderr);
  check('estimate prints JSON', j !== null);
  if (j) {
    for (const k of ['params', 'kv_bytes_per_token', 'gpu_memory_bytes', 'fits', 'headroom_bytes', 'per_gpu', 'total',
                     'kv_cache_tokens', 'max_concurrency'])
      check(`field ${k}`, k in j);
    for (const k of ['weights_bytes', 'kv_cache_bytes', 'activation_bytes', 'overhead_bytes', 'total_bytes'])
      check(`per_gpu.${k}`, j.per_gpu && k in j.per_gpu && j.per_gpu[k] >= 0);
    // Llama-3.1-8B: 32 layers x 8 KV heads x 128 x 2 (K,V) x 2 B = 131072 B/token
    check('kv bytes per token', j.kv_bytes_per_token === 131072, j.kv_bytes_per_token);
    check('params ~8.03B', Math.abs(j.params - 8.03e9) / 8.03e9 < 0.01, j.params);
    check('no NaN in output', !r.stdout.includes('NaN'));
  }
}
// llama.cpp expert offload with llama.cpp's own flag spellings, and the --fit planner
{
  const args = ['--model', 'qwen3-30b-a3b', '--engine', 'llamacpp', '--weights', 'gguf-f16', '--engine-version', 'b6895',
                '--gpu', 'rtx-4090', '--context', '4096', '--flash-attn', '-ngl', '48'];
  const ot = [];
  for (let l = 14; l <= 47; l++) ot.push('-ot', `blk\\.${l}\\.ffn_(up|down|gate)_(ch|)exps=CPU`);
  const j = json(run('estimate', ...args, ...ot, '--json'));
  check('-ot answers', j && !j.error, JSON.stringify(j));
  // fit-params README: CUDA0 model 17904 MiB (hand sum 18,774,540,288 B, tests/unit/llamacpp_offload_test.cpp)
  if (j && !j.error) check('-ot model buffer', j.model_buffer_bytes === 18774540288, j.model_buffer_bytes);
  const bad = run('estimate', ...args, '-ot', '(a+)+=CPU');
  check('nested -ot pattern exits 2', bad.status === 2 && bad.stderr.includes('repeats a group'), bad.stderr);
  const f = json(run('fit', '--model', 'qwen3-30b-a3b', '--engine', 'llamacpp', '--weights', 'gguf-q4_k_m',
                     '--gpu', 'rtx-4060-ti-16gb', '--context', '32768', '--flash-attn', '--json'));
  check('fit answers', f && f.changed === true && f.fits === true && f.command.includes('-ot'), JSON.stringify(f));
}
// llama.cpp fields
{
  const j = json(run('estimate', '--model', 'llama-3.1-8b-instruct', '--engine', 'llamacpp', '--weights', 'gguf-q4_k_m',
                     '--gpu', 'rtx-4090', '--context', '8192', '--json'));
  check('llamacpp answers', j && !j.error, JSON.stringify(j));
  if (j && !j.error)
    for (const k of ['model_buffer_bytes', 'kv_buffer_bytes', 'compute_buffer_bytes', 'cpu_bytes']) check(`llamacpp ${k}`, k in j);
}
// Every engine answers the same scenario
for (const e of ['vllm', 'llamacpp', 'transformers', 'sglang', 'simple']) {
  const w = e === 'llamacpp' ? 'gguf-q8_0' : 'bf16';
  const r = run('estimate', '--model', 'qwen2.5-7b-instruct', '--engine', e, '--weights', w, '--json');
  check(`engine ${e} answers`, r.status === 0 && json(r) && !json(r).error, r.stderr);
}
// A scenario file with the same keys (_ for -)
{
  const dir = mkdtempSync(join(tmpdir(), 'vramcalc-'));
  const f = join(dir, 's.json');
  writeFileSync(f, JSON.stringify({ model: 'qwen2.5-7b-instruct', weights: 'awq', kv_dtype: 'fp8', gpu: 'rtx-4090',
                                     context: 16384, gpu_mem_util: 0.9 }));
  const r = run('estimate', '--scenario', f, '--json');
  check('scenario file', r.status === 0 && json(r) && !json(r).error, r.stderr);
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ model_type: 'llama', hidden_size: 2048, num_hidden_layers: 16,
                                       num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 8192,
                                       vocab_size: 128256, tie_word_embeddings: true }));
  const c = run('estimate', '--config', cfg, '--json');
  check('custom config', c.status === 0 && json(c) && !json(c).error, c.stderr + c.stdout);
  writeFileSync(cfg, '{"hidden_size": "big"}');
  const bad = run('estimate', '--config', cfg);
  check('bad config exits 2', bad.status === 2, bad.status);
  check('bad config names a field', /hidden_size|num_attention_heads|num_hidden_layers/.test(bad.stderr), bad.stderr);
}
// Bad input: exit 2, one line on stderr naming the option, {"error"} with --json
for (const [args, needle] of [
  [['estimate', '--model', 'llama-3.1-8b-instrct'], 'llama-3.1-8b-instruct'],   // suggests the nearest id
  [['estimate', '--context', 'abc'], '--context'],
  [['estimate', '--context', '-5'], '--context'],
  [['estimate', '--gpus', '0'], '--gpus'],
  [['estimate', '--weights', 'int3'], 'weights'],
  [['estimate', '--gpu', 'rtx-9999'], 'gpu'],
  [['estimate', '--gpu-mem-util', '1.5'], '--gpu-mem-util'],
  [['estimate', '--tp', '3', '--gpus', '3', '--model', 'llama-3.1-8b-instruct'], 'tp'],
  [['estimate', '--frobnicate'], '--frobnicate'],
  [['estimate', '--batch'], '--batch'],
  [['nonsense'], 'nonsense'],
  // a version the engine cannot read names the field and the accepted forms
  [['estimate', '--engine', 'llamacpp', '--weights', 'gguf-q4_k_m', '--engine-version', 'nightly'], 'b4343'],
  [['estimate', '--engine', 'vllm', '--engine-version', 'b4343'], '0.10.1'],
]) {
  const r = run(...args);
  check(`exit 2: ${args.join(' ')}`, r.status === 2, `status ${r.status}`);
  const lines = r.stderr.trim().split('\n');
  check(`one stderr line: ${args.join(' ')}`, lines.length === 1 && r.stderr.includes(needle), r.stderr);
  const rj = run(...args, '--json');
  const j = json(rj);
  check(`json error: ${args.join(' ')}`, rj.status === 2 && j && typeof j.error === 'string', rj.stdout);
}
// Absurd but valid numbers never print NaN, negative sizes or crash
{
  const r = run('estimate', '--model', 'llama-3.1-405b-instruct', '--gpu', 'rtx-3060', '--context', '100000000', '--batch', '1000000', '--json');
  check('absurd numbers answer', r.status === 0 || r.status === 2, r.status);
  check('absurd numbers: no NaN', !r.stdout.includes('NaN') && !r.stdout.includes('-nan') && !r.stdout.includes('inf'));
}
// Share links round-trip through the CLI; the fit matrix and exports print
{
  const l = run('link', '--model', 'qwen2.5-32b-instruct', '--weights', 'awq', '--gpu', 'rtx-4090', '--gpus', '4', '--tp', '4');
  check('link prints the fragment', l.status === 0 && l.stdout.trim() === '#v=1&m=qwen2.5-32b-instruct&w=awq&gpu=rtx-4090&n=4&tp=4', l.stdout);
  const a = json(run('estimate', '--link', l.stdout.trim(), '--json'));
  const b = json(run('estimate', '--model', 'qwen2.5-32b-instruct', '--weights', 'awq', '--gpu', 'rtx-4090', '--gpus', '4', '--tp', '4', '--json'));
  check('a link gives the same answer as its flags', a && b && a.per_gpu.total_bytes === b.per_gpu.total_bytes);
  const bad = run('estimate', '--link', '#m=no-such-model');
  check('a broken link exits 2 naming the part', bad.status === 2 && bad.stderr.includes('no-such-model'), bad.stderr);
  const m = run('matrix', '--models', 'llama-3.1-8b-instruct,qwen2.5-7b-instruct', '--formats', 'bf16,awq', '--gpu', 'rtx-4090', '--export', 'csv');
  // header + 2 models x 2 formats = 5 lines
  check('matrix csv has a row per cell', m.status === 0 && m.stdout.trim().split('\n').length === 5, m.stdout);
  const md = run('estimate', '--model', 'llama-3.1-8b-instruct', '--export', 'md');
  check('markdown export', md.status === 0 && md.stdout.includes('| Weights |'), md.stdout.slice(0, 200));
}
// --engine-version for every engine: a build pasted whole, releases with and without "v", and the
// accounting named in the answer.
{
  const base = ['estimate', '--model', 'qwen2.5-7b-instruct', '--json'];
  const pasted = json(run(...base, '--engine', 'llamacpp', '--weights', 'gguf-q4_k_m', '--flash-attn',
                          '--engine-version', 'version: 8054 (01d8eaa28)'));
  check('llama.cpp takes a pasted version line', pasted && !pasted.error && pasted.engine_version.includes('b4343'),
        JSON.stringify(pasted && (pasted.engine_version || pasted.error)));
  const newest = json(run(...base, '--engine', 'llamacpp', '--weights', 'gguf-q4_k_m', '--flash-attn'));
  check('llama.cpp defaults to its newest build', newest && newest.engine_version.startsWith('llama.cpp b11232'),
        newest && newest.engine_version);
  // Qwen2.5-7B Q4_K_M, ub 512, -fa on: builds before b9464 keep (152,064 + 3,584) x 512 x 4 B =
  // 318,767,104 B of logits and last hidden state, which is then the whole buffer; b10644 reserves one row.
  check('older llama.cpp builds reserve logits for the whole ubatch',
        pasted && newest && pasted.compute_buffer_bytes === 318767104 && newest.compute_buffer_bytes < 318767104 / 2,
        `${pasted && pasted.compute_buffer_bytes} vs ${newest && newest.compute_buffer_bytes}`);
  for (const [engine, v, want] of [['vllm', 'v0.19.0', 'vLLM 0.19'], ['sglang', '0.4.9', 'SGLang 0.4.7'],
                                   ['transformers', '4.38.2', 'transformers 4.38']]) {
    const j = json(run(...base, '--engine', engine, '--engine-version', v));
    check(`--engine-version ${v} for ${engine}`, j && !j.error && j.engine_version.startsWith(want), JSON.stringify(j && (j.engine_version || j.error)));
  }
  const link = run('link', '--model', 'qwen2.5-7b-instruct', '--engine', 'sglang', '--engine-version', '0.4.9');
  check('the link carries the version', link.status === 0 && link.stdout.includes('&e=sglang&ev=0.4.9'), link.stdout);
  const engines = json(run('engines', '--json')) || [];
  check('engines --json lists each profile with its releases',
        engines.length >= 5 && engines.every((e) => e.id && e.newest_release && Array.isArray(e.releases) && e.releases.length >= 1),
        JSON.stringify(engines.map((e) => e.id)));
}
// Listings
for (const what of ['models', 'gpus', 'formats', 'engines']) {
  const r = run(what, '--json');
  check(`${what} --json`, r.status === 0 && json(r) !== null, r.stderr);
}
{
  const models = json(run('models', '--json')) || [];
  check('60+ models', models.length >= 60, models.length);
  check('models carry id, hf_id, params', models.every((m) => m.id && m.hf_id && m.params > 0));
  const gpus = json(run('gpus', '--json')) || [];
  check('35+ GPUs', gpus.length >= 35, gpus.length);
}
console.log(`cli: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
