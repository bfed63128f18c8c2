// What the GGUF and safetensors header fuzz targets check, as plain functions (the libFuzzer entry
// points fuzz/fuzz_gguf_header.cpp and fuzz/fuzz_safetensors_header.cpp call them on every input).
// Each returns "" when the input was handled, else what went wrong; a crash, a sanitizer report or a
// hang is the other way to fail.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "core/file_weights.h"
#include "core/gguf_config.h"
#include "core/gguf_file.h"
#include "core/safetensors_file.h"

namespace vramcalc::fuzz {

// One outcome of a header parse: a refusal says why; NeedMore asks for more than it had, within the file.
inline std::string outcome_problem(const ParseOutcome& p, std::uint64_t had, std::uint64_t file_size) {
    if (p.status == ParseStatus::Error && p.error.empty()) return "refused without a message";
    if (p.status == ParseStatus::NeedMore && (p.bytes_needed <= had || p.bytes_needed > file_size))
        return "asked for " + std::to_string(p.bytes_needed) + " bytes with " + std::to_string(had) + " of " +
               std::to_string(file_size);
    return "";
}

// The input as a whole file, and as the prefix of a file twice as long; a parsed header goes on to
// the metadata mapping and the tensor summary, whose text form must read back the same.
inline std::string check_gguf_header(std::span<const std::uint8_t> bytes) {
    const GgufParse whole = parse_gguf_header(bytes, bytes.size());
    if (whole.status == ParseStatus::NeedMore) return "a whole file cannot need more bytes";
    if (std::string p = outcome_problem(whole, bytes.size(), bytes.size()); !p.empty()) return p;
    const GgufParse prefix = parse_gguf_header(bytes, 2 * bytes.size() + 64);
    if (std::string p = outcome_problem(prefix, bytes.size(), 2 * bytes.size() + 64); !p.empty()) return p;
    if (whole.status != ParseStatus::Ok) return "";
    const GgufModelInfo info = gguf_model_info({whole.header});
    if (!info.ok && info.error.empty()) return "model info refused without a message";
    const FileWeights w = file_weights_from_gguf({whole.header}, nullptr, info.format.empty() ? "gguf-f16" : info.format,
                                                 std::max<std::int64_t>(1, info.num_layers));
    std::string why;
    const auto back = decode_file_weights(encode_file_weights(w), why);
    if (!back) return "the tensor summary does not read back: " + why;
    if (back->total_bytes() != w.total_bytes()) return "the tensor summary reads back other bytes";
    return "";
}

inline std::string check_safetensors_header(std::span<const std::uint8_t> bytes) {
    const SafetensorsParse whole = parse_safetensors_header(bytes, bytes.size());
    if (whole.status == ParseStatus::NeedMore) return "a whole file cannot need more bytes";
    if (std::string p = outcome_problem(whole, bytes.size(), bytes.size()); !p.empty()) return p;
    const SafetensorsParse prefix = parse_safetensors_header(bytes, 2 * bytes.size() + 64);
    if (std::string p = outcome_problem(prefix, bytes.size(), 2 * bytes.size() + 64); !p.empty()) return p;
    if (whole.status != ParseStatus::Ok) return "";
    const FileWeights w = file_weights_from_safetensors({whole.header}, "bf16", 1000);
    std::string why;
    if (!decode_file_weights(encode_file_weights(w), why)) return "the tensor summary does not read back: " + why;
    return "";
}

}  // namespace vramcalc::fuzz
