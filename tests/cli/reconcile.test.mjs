// `vramcalc reconcile LOGFILE` and `estimate --log LOGFILE`: published logs in, the log's figures beside
// ours out (text and JSON), a calibration, and clear one-line refusals.
// Usage: node tests/cli/reconcile.test.mjs path/to/vramcalc
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = process.argv[2];
const logs = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'logs');
let passed = 0, failed = 0;
const run = (...args) => spawnSync(bin, args, { encoding: 'utf8' });
function check(name, cond, detail = '') {
  if (cond) { passed++; } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
const json = (r) => { try { return JSON.parse(r.stdout); } catch { return null; } };
const GiB = 2 ** 30, MiB = 2 ** 20;

// vLLM 0.19 log of Llama-3.1-8B-Instruct (a catalog model): "Model loading took 14.99 GiB",
// "Available KV cache memory: 58.11 GiB", "GPU KV cache size: 476,016 tokens".
{
  const r = run('reconcile', join(logs, 'vllm', 'meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log'), '--json');
  const j = json(r);
  check('reconcile exits 0', r.status === 0, r.stderr);
  check('reconcile prints JSON', j !== null, r.stdout.slice(0, 300));
  if (j) {
    check('engine vllm', j.engine === 'vllm');
    check('release 0.19.0', j.engine_version === '0.19.0', j.engine_version);
    check('model', j.model === 'meta-llama/Llama-3.1-8B-Instruct', j.model);
    const m = (name) => j.measured.find((f) => f.name === name);
    check('measured weights = 14.99 GiB', m('weights') && m('weights').bytes === Math.round(14.99 * GiB), JSON.stringify(m('weights')));
    check('measured KV = 58.11 GiB', m('kv_cache') && m('kv_cache').bytes === Math.round(58.11 * GiB));
    check('measured tokens = 476016', m('kv_tokens') && m('kv_tokens').tokens === 476016);
    const d = (name) => j.differences.find((x) => x.name === name);
    check('weights difference', d('weights') && d('weights').measured_bytes === Math.round(14.99 * GiB) &&
          d('weights').estimated_bytes > 0 && Number.isFinite(d('weights').relative), JSON.stringify(d('weights')));
    check('tokens difference', d('kv_tokens') && d('kv_tokens').measured_tokens === 476016);
    check('scenario from the log', j.scenario.context === 8192 && j.scenario.gpu_mem_util === 0.95 && j.scenario.engine === 'vllm',
          JSON.stringify(j.scenario));
    check('estimate JSON', j.estimate && j.estimate.per_gpu && j.estimate.per_gpu.weights_bytes > 0);
    check('GiB note', j.notes.some((n) => n.includes('2^30')));
    // "torch peak memory increase: 1.89GiB; non-torch forward increase memory: ..." -> the calibration
    check('calibration activation 1.89', j.calibration && Math.abs(j.calibration.cal_activation_gib - 1.89) < 1e-6,
          JSON.stringify(j.calibration));
    check('no NaN', !r.stdout.includes('NaN'));
  }
  const t = run('reconcile', join(logs, 'vllm', 'meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log'));
  check('text report', t.status === 0 && t.stdout.includes('weights') && t.stdout.includes('14.99 GiB'), t.stdout + t.stderr);
  check('text calibration line', t.stdout.includes('--cal-activation-gib 1.89'), t.stdout);
  const e = run('estimate', '--log', join(logs, 'vllm', 'meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log'), '--json');
  check('estimate --log', e.status === 0 && json(e) && json(e).engine === 'vllm', e.stderr);
  // A flag the user types wins over the log.
  const c = json(run('reconcile', join(logs, 'vllm', 'meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log'), '--context', '4096', '--json'));
  check('flag wins over the log', c && c.scenario.context === 4096, c && JSON.stringify(c.scenario));
}

// A calibrated what-if: the activation figure is the calibration, whatever the context.
{
  const j = json(run('estimate', '--model', 'llama-3.1-8b-instruct', '--gpu-memory-gib', '79.19', '--gpu-mem-util', '0.95',
                     '--context', '32768', '--cal-activation-gib', '1.89', '--json'));
  check('calibrated estimate', j && j.per_gpu && j.per_gpu.activation_bytes === Math.round(1.89 * GiB), j && JSON.stringify(j.per_gpu));
}

// llama.cpp: "CUDA0 model buffer size = 2859.92 MiB", "CUDA0 compute buffer size = 169.55 MiB"
{
  const j = json(run('reconcile', join(logs, 'llamacpp', 'llamacpp-mcgyvr-gptoss20b-mxfp4-rtx3060-c2048-np8.log'),
                     '--model', 'gpt-oss-20b', '--gpu-memory-gib', '12', '--json'));
  check('llama.cpp reconcile', j && j.engine === 'llamacpp' && !j.error, j && (j.error || ''));
  if (j && !j.error) {
    const d = j.differences.find((x) => x.name === 'model_buffer');
    check('model buffer measured', d && d.measured_bytes === Math.round(2859.92 * MiB), JSON.stringify(d));
    check('scenario -np 8, n_ctx 2048', j.scenario.parallel === 8 && j.scenario.context === 2048 && j.scenario.ubatch === 256);
    check('calibration compute 169.55 MiB', j.calibration && Math.abs(j.calibration.cal_compute_mib - 169.55) < 1e-6);
  }
}

// Refusals: one line, exit 2.
{
  const dir = mkdtempSync(join(tmpdir(), 'vramcalc-log-'));
  const junk = join(dir, 'notes.txt');
  writeFileSync(junk, 'hello\nthis is not a log\n');
  const r = run('reconcile', junk);
  check('not a log: exit 2', r.status === 2, r.status);
  check('not a log: message', r.stderr.includes('not a log I can read') && r.stderr.trim().split('\n').length === 1, r.stderr);
  const rj = run('reconcile', junk, '--json');
  check('not a log: JSON error', rj.status === 2 && json(rj) && json(rj).error, rj.stdout);
  const missing = run('reconcile', join(dir, 'nope.log'));
  check('missing file', missing.status === 2 && missing.stderr.includes('cannot read'), missing.stderr);
  const none = run('reconcile');
  check('no file named', none.status === 2 && none.stderr.includes('LOGFILE'), none.stderr);
}

// TabbyAPI on ExLlamaV3 1.4.5 (turboderp-org/exllamav3#313): "exllamav3 version: 1.4.5", "Using configured
// max_seq_len: 145408 tokens.", "Using configured cache_size: 145408 tokens.", "...-SC-6.0bpw-H8".
{
  const r = run('reconcile', join(logs, 'exllama', 'exl3-issue313-tabby-1.4.5-qwen38-27b-6bpw-h8.log'), '--model', 'qwen3-8b', '--json');
  const j = json(r);
  check('exllama: exits 0', r.status === 0, r.stderr);
  if (j) {
    check('exllama: engine exllamav3 1.4.5', j.engine === 'exllamav3' && j.engine_version === '1.4.5', `${j.engine} ${j.engine_version}`);
    check('exllama: settings', j.settings.context === 145408 && j.settings.bits_per_weight === 6 && j.settings.head_bits === 8 &&
          j.settings.gpu_split === 'one GPU', JSON.stringify(j.settings));
    check('exllama: weights exl3-6', j.scenario.weights === 'exl3-6', j.scenario.weights);
    const d = j.differences.find((x) => x.name === 'kv_tokens');
    // 145408 = 568 x 256: one sequence of max_seq_len, no rounding
    check('exllama: cache tokens', d && d.measured_tokens === 145408 && d.estimated_tokens === 145408, JSON.stringify(d));
    check('exllama: says it prints no memory figure', j.notes.some((n) => n.includes('no memory figure')), JSON.stringify(j.notes));
  }
}

// After calibrating: vLLM printed "torch peak memory increase: 0.77GiB", so the activation's band becomes
// +-0.005 / 0.77 = +-0.65% (the print precision), kind "calibrated".
{
  const j = json(run('reconcile', join(logs, 'vllm', 'codellama-codellama-7b-h--h100-80gb--tp1pp1dp1--8192.log'), '--json'));
  const b = j && j.calibrated_error_bands && j.calibrated_error_bands.activation;
  check('calibrated band: kind', b && b.kind === 'calibrated', JSON.stringify(b));
  check('calibrated band: +-0.65%', b && Math.abs(b.high - 0.005 / 0.77) < 1e-6 && Math.abs(b.low + 0.005 / 0.77) < 1e-6, JSON.stringify(b));
  const w = j && j.differences.find((x) => x.name === 'weights');
  check('difference band has a kind and label', w && w.band && w.band.kind === 'dense' && w.band.label.startsWith('dense models'), JSON.stringify(w && w.band));
}

console.log(`reconcile CLI: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
