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

console.log(`reconcile CLI: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
