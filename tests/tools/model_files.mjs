// Test code only: writes GGUF and safetensors headers from the published format specs (ggml/docs/gguf.md,
// the safetensors README), for the Node tests (CLI, Hub server, page). Data sections are left as holes:
// a file is its header, then the file extended to its full size (sparse on disk).
import fs from 'node:fs';

// ggml-common.h block structs by ggml type id: [elements per block, bytes per block]
const BLOCKS = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 10: [256, 84],
  11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 20: [32, 18], 23: [256, 136], 30: [1, 2], 39: [32, 17],
};
export const GGML = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, Q4_K: 12, Q5_K: 13, Q6_K: 14, BF16: 30, MXFP4: 39 };

const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
const str = (s) => { const t = Buffer.from(s, 'utf8'); return Buffer.concat([u64(t.length), t]); };

export function tensorBytes(type, ne) {
  const [el, bytes] = BLOCKS[type];
  let rows = 1;
  for (let i = 1; i < ne.length; i++) rows *= ne[i];
  return (ne[0] / el) * bytes * rows;
}

// kv: [[key, 'u32'|'str'|'strs'|'bool', value]], tensors: [[name, type, ne]] -> {header: Buffer, size}
export function gguf({ kv = [], tensors = [], alignment = 32 }) {
  const parts = [Buffer.from('GGUF'), u32(3), u64(tensors.length), u64(kv.length)];
  for (const [key, kind, value] of kv) {
    parts.push(str(key));
    if (kind === 'u32') parts.push(u32(4), u32(value));
    else if (kind === 'str') parts.push(u32(8), str(value));
    else if (kind === 'bool') parts.push(u32(7), Buffer.from([value ? 1 : 0]));
    else if (kind === 'strs') parts.push(u32(9), u32(8), u64(value.length), ...value.map(str));
    else throw new Error(`kind ${kind}`);
  }
  let offset = 0;
  for (const [name, type, ne] of tensors) {
    parts.push(str(name), u32(ne.length), ...ne.map(u64), u32(type), u64(offset));
    offset += Math.ceil(tensorBytes(type, ne) / alignment) * alignment;
  }
  let header = Buffer.concat(parts);
  if (tensors.length) header = Buffer.concat([header, Buffer.alloc((alignment - (header.length % alignment)) % alignment)]);
  return { header, size: header.length + offset };
}

const BITS = { BOOL: 8, U8: 8, I8: 8, F8_E4M3: 8, F8_E5M2: 8, I16: 16, F16: 16, BF16: 16, I32: 32, F32: 32, I64: 64, F64: 64, F4: 4 };

// tensors: [[name, dtype, shape]] -> {header: Buffer, size}
export function safetensors(tensors) {
  const j = {};
  let offset = 0;
  for (const [name, dtype, shape] of tensors) {
    const bytes = (shape.reduce((a, b) => a * b, 1) * BITS[dtype]) / 8;
    j[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let text = JSON.stringify(j);
  while (text.length % 8) text += ' ';
  const t = Buffer.from(text, 'utf8');
  return { header: Buffer.concat([u64(t.length), t]), size: 8 + t.length + offset };
}

// Writes the header and extends the file to its size without writing the data (a sparse file).
export function writeSparse(path, { header, size }) {
  const fd = fs.openSync(path, 'w');
  fs.writeSync(fd, header, 0, header.length, 0);
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
}

// EleutherAI/pythia-2.8b as ggml-ci's Q8_0 file (GPT-NeoX names of llama-arch.cpp; see
// tests/unit/model_files_test.cpp): 32 layers, n_embd 2560, n_ff 10240, n_vocab 50304.
export function pythiaQ8() {
  const kv = [['general.architecture', 'str', 'gptneox'], ['general.name', 'str', 'pythia-2.8b'], ['general.file_type', 'u32', 7],
    ['gptneox.context_length', 'u32', 2048], ['gptneox.embedding_length', 'u32', 2560], ['gptneox.block_count', 'u32', 32],
    ['gptneox.feed_forward_length', 'u32', 10240], ['gptneox.rope.dimension_count', 'u32', 20],
    ['gptneox.attention.head_count', 'u32', 32], ['gptneox.use_parallel_residual', 'bool', true]];
  const t = [['token_embd.weight', GGML.Q8_0, [2560, 50304]]];
  for (let l = 0; l < 32; l++) {
    const b = `blk.${l}.`;
    t.push([b + 'attn_norm.weight', GGML.F32, [2560]], [b + 'attn_norm.bias', GGML.F32, [2560]],
      [b + 'attn_qkv.weight', GGML.Q8_0, [2560, 7680]], [b + 'attn_qkv.bias', GGML.F32, [7680]],
      [b + 'attn_output.weight', GGML.Q8_0, [2560, 2560]], [b + 'attn_output.bias', GGML.F32, [2560]],
      [b + 'ffn_norm.weight', GGML.F32, [2560]], [b + 'ffn_norm.bias', GGML.F32, [2560]],
      [b + 'ffn_up.weight', GGML.Q8_0, [2560, 10240]], [b + 'ffn_up.bias', GGML.F32, [10240]],
      [b + 'ffn_down.weight', GGML.Q8_0, [10240, 2560]], [b + 'ffn_down.bias', GGML.F32, [2560]]);
  }
  t.push(['output_norm.weight', GGML.F32, [2560]], ['output_norm.bias', GGML.F32, [2560]], ['output.weight', GGML.Q8_0, [2560, 50304]]);
  return gguf({ kv, tensors: t });
}
