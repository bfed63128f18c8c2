// Browser test of the ExLlama engines on the page (issue 10): ExLlamaV2 and ExLlamaV3 chosen through
// window.vramcalc.setState, their figures read back with getResult and checked against the hand
// calculations of tests/unit/exllama_test.cpp (Llama 3.1 8B, one 24 GiB GPU, 8192 tokens, one
// sequence), and the command the page shows (getView().command) checked to be TabbyAPI's config.yml.
//   node tests/browser/exllama.test.mjs [path/to/vramcalc.html]   (default build-wasm/vramcalc.html)
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, pixelStats } from './png.mjs';
import { check, launchChromium, pagePath, pageUrl, run, screenshotDir, sleep } from './harness.mjs';

// Hand calculations (tests/unit/exllama_test.cpp, from exllamav2 0.3.2 / exllamav3 1.4.1 and TabbyAPI):
// per layer 218,103,808 weights; lm_head and embedding 128,256 x 4096 = 525,336,576 each.
const V2 = {
  // 32 x (218,103,808 x 4 / 8 + 16,384 norms) + final norm 8,192 + head 525,336,576 x 6 / 8 (head_bits 6)
  weights: 3884195840,
  // the embedding in CPU memory: 525,336,576 x 2 B
  cpu: 1050673152,
  // cache_size 8192 x 32 layers x 8 KV heads x 128 x 2 (K, V) x 2 B = 1 GiB
  kv: 1073741824,
  // head dequant scratch 2 x 525,336,576 + RoPE 2 x 8192 x 128 x 2 + q/k/v of a 2048 chunk
  // 2048 x 48 x 128 x 2 + 384 + logits 16 x 128,256 x 4
  activation: 1050673152 + 4194304 + 25166208 + 8208384,
  overhead: 483183821,  // CUDA context 0.45 GiB
  // Q6 = K 8.5 + V 4.5 bits: 1664 B per token and layer x 32 x 8192, + an fp16 K/V layer 8192 x 1024 x 2 x 2 B
  kvQ6: 436207616 + 33554432,
};
const V3 = {
  // 32 x (109,051,904 trellis + 163,840 suh/svh + 16,384 norms) + 8,192 + head 394,002,432
  weights: 3889438720,
  cpu: 1050673152,
  kv: 1073741824,
  // a 2048-token chunk's forward 2048 x (2 x 14336 + 3 x 4096) x 2 B + fp32 logits 32 x 128,256 x 4
  activation: 167772160 + 16416768,
  // Q6 = K 6 + 0.5, V 6 + 0.5 bits: 1024 x 13 / 8 = 1664 B per token and layer x 32 x 8192
  kvQ6: 436207616,
};

const base = {
  model: 'llama-3.1-8b-instruct', engine_version: '', kv_dtype: 'auto', gpu_memory_gib: 24, gpus: 1, nodes: 1,
  tp: 0, pp: 0, context: 8192, batch: 1,
};

async function scenario(page, state) {
  const set = await page.evaluate((s) => window.vramcalc.setState(s), { ...base, ...state });
  const r = await page.evaluate(() => window.vramcalc.getResult());
  const v = await page.evaluate(() => window.vramcalc.getView());
  return { set, r, v };
}

function checkFigures(label, r, want) {
  const g = (r && r.per_gpu) || {};
  check(`${label}: weights on the GPU ${want.weights} B`, g.weights_bytes === want.weights, g.weights_bytes);
  check(`${label}: embedding in CPU RAM ${want.cpu} B`, r.cpu_bytes === want.cpu, r.cpu_bytes);
  check(`${label}: FP16 cache of 8192 tokens ${want.kv} B`, g.kv_cache_bytes === want.kv && r.kv_cache_tokens === 8192,
    `${g.kv_cache_bytes}, ${r.kv_cache_tokens} tokens`);
  check(`${label}: scratch and buffers ${want.activation} B`, g.activation_bytes === want.activation, g.activation_bytes);
  const sum = want.weights + want.kv + want.activation + 483183821;
  check(`${label}: GPU total ${sum} B, fits on 24 GiB`, g.total_bytes === sum && r.fits === true, `${g.total_bytes}, fits ${r.fits}`);
}

async function main() {
  if (!fs.existsSync(pagePath)) throw new Error(`no page at ${pagePath}: build it with emcmake first`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.vramcalc && window.vramcalc.ready === true, null, { timeout: 30000 });

    const engines = await page.evaluate(() => window.vramcalc.getEngines());
    const ids = (Array.isArray(engines) ? engines : (engines && engines.engines) || []).map((e) => e.id);
    check('the engine list offers exllamav2 and exllamav3', ids.includes('exllamav2') && ids.includes('exllamav3'), ids.join(','));

    // ExLlamaV2, EXL2 4.0 bpw (head 6 bits), FP16 cache
    let { set, r, v } = await scenario(page, { engine: 'exllamav2', weights: 'exl2-4.0' });
    check('ExLlamaV2 exl2-4.0 is accepted', set && set.ok, JSON.stringify(set));
    check('ExLlamaV2 answers', r && r.ok === true && !r.error, r && r.error);
    check('ExLlamaV2 accounting is 0.3.2', r && typeof r.engine_version === 'string' && r.engine_version.startsWith('ExLlamaV2 0.3.2'), r && r.engine_version);
    checkFigures('ExLlamaV2', r, V2);
    check('ExLlamaV2 overhead is the CUDA context only on one GPU (no autosplit reserves)', r.per_gpu.overhead_bytes === V2.overhead, r.per_gpu.overhead_bytes);
    const c2 = v.command || '';
    check('the command shown is TabbyAPI config.yml', c2.startsWith('# TabbyAPI config.yml') && c2.includes('\nmodel:\n'), c2.slice(0, 80));
    check('config.yml: backend exllamav2, the EXL2 folder, 8192 tokens, FP16, chunk 2048, autosplit reserve 96',
      ['backend: exllamav2', 'model_name: Llama-3.1-8B-Instruct-exl2-4bpw', 'max_seq_len: 8192', 'cache_size: 8192',
        'cache_mode: FP16', 'chunk_size: 2048', 'gpu_split_auto: true', 'autosplit_reserve: [96]'].every((k) => c2.includes(k)),
      c2.split('\n').slice(2).join(' | '));
    check('the verdict says it fits', v.verdict && /fit/i.test(v.verdict.headline) && !/not fit|doesn't fit|does not fit/i.test(v.verdict.headline), v.verdict && v.verdict.headline);
    await sleep(300);
    let shot = await page.screenshot({ path: path.join(screenshotDir, 'exllamav2.png') });
    check('the page draws the ExLlamaV2 answer', pixelStats(decodePng(shot)).distinctColors > 8);

    // Q6: 8-bit K and 4-bit V in ExLlamaV2 ("Q6" is not 6 bits)
    ({ set, r, v } = await scenario(page, { engine: 'exllamav2', weights: 'exl2-4.0', kv_dtype: 'q6' }));
    check(`ExLlamaV2 Q6 cache ${V2.kvQ6} B`, r.per_gpu && r.per_gpu.kv_cache_bytes === V2.kvQ6, r.per_gpu && r.per_gpu.kv_cache_bytes);
    check('config.yml says cache_mode: Q6', (v.command || '').includes('\n  cache_mode: Q6\n'), (v.command || '').slice(0, 40));

    // ExLlamaV3, EXL3 4.0 bpw
    ({ set, r, v } = await scenario(page, { engine: 'exllamav3', weights: 'exl3-4.0', kv_dtype: 'auto' }));
    check('ExLlamaV3 exl3-4.0 is accepted', set && set.ok, JSON.stringify(set));
    check('ExLlamaV3 answers', r && r.ok === true && !r.error, r && r.error);
    check('ExLlamaV3 accounting is 1.4.1', r && typeof r.engine_version === 'string' && r.engine_version.startsWith('ExLlamaV3 1.4.1'), r && r.engine_version);
    checkFigures('ExLlamaV3', r, V3);
    const c3 = v.command || '';
    check('config.yml: backend exllamav3, the EXL3 folder, cache_mode FP16',
      c3.startsWith('# TabbyAPI config.yml') && ['backend: exllamav3', 'model_name: Llama-3.1-8B-Instruct-exl3-4bpw',
        'cache_mode: FP16', 'cache_size: 8192'].every((k) => c3.includes(k)), c3.split('\n').slice(2).join(' | '));
    ({ r, v } = await scenario(page, { engine: 'exllamav3', weights: 'exl3-4.0', kv_dtype: 'q6' }));
    check(`ExLlamaV3 Q6 cache ${V3.kvQ6} B (6.5 + 6.5 bits)`, r.per_gpu && r.per_gpu.kv_cache_bytes === V3.kvQ6, r.per_gpu && r.per_gpu.kv_cache_bytes);

    // Weights the engine cannot load: a clear refusal, the typed state kept.
    ({ set, r } = await scenario(page, { engine: 'exllamav3', weights: 'exl2-4.0', kv_dtype: 'auto' }));
    const st = await page.evaluate(() => window.vramcalc.getState());
    check('EXL2 weights on ExLlamaV3 are refused with a reason', r && r.ok === false && /EXL3|exllama/i.test(r.error || ''), r && r.error);
    check('the refused scenario is kept as typed', st.engine === 'exllamav3' && st.weights === 'exl2-4.0', `${st.engine} ${st.weights}`);

    // A model the release does not load (issue 13): refused, naming the release and the architecture.
    ({ r } = await scenario(page, { model: 'qwen3-next-80b-a3b-instruct', engine: 'exllamav2', weights: 'exl2-4.0', kv_dtype: 'auto' }));
    check('Qwen3-Next on ExLlamaV2 is refused with its architecture named', r && r.ok === false &&
      /ExLlamaV2 0\.3\.2 does not load Qwen3NextForCausalLM/.test(r.error || ''), r && r.error);
    shot = await page.screenshot({ path: path.join(screenshotDir, 'exllamav2-refused.png') });
    ({ r } = await scenario(page, { model: 'qwen3-next-80b-a3b-instruct', engine: 'exllamav3', weights: 'exl3-4.0', gpu_memory_gib: 80 }));
    check('Qwen3-Next on ExLlamaV3 answers', r && r.ok === true, r && r.error);

    // The ExLlama scenario survives a share link.
    await scenario(page, { engine: 'exllamav2', weights: 'exl2-4.65', kv_dtype: 'q4' });
    const link = await page.evaluate(() => window.vramcalc.shareLink());
    check('the share link carries the engine and EXL2 bits', link.includes('e=exllamav2') && link.includes('w=exl2-4.65'), link);

    shot = await page.screenshot({ path: path.join(screenshotDir, 'exllamav2-q4.png') });
    check('the page draws after the switches', pixelStats(decodePng(shot)).distinctColors > 8);
    check('no page errors', errors.length === 0, errors.join(' | '));
    await context.close();
  } finally {
    await browser.close();
  }
}

run('exllama', main);
