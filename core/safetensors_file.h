// A safetensors file's header parsed from bytes the caller read, and a sharded checkpoint's
// model.safetensors.index.json. The format (huggingface/safetensors README, and the Rust crate's
// SafeTensors::read_metadata / Metadata::validate): 8 bytes of little-endian u64 N, then N bytes of
// JSON {"NAME": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}, then the
// data. Tensors tile the data exactly (no holes, no overlap) and each one's byte count is what its
// dtype and shape say. Only the first 8 + N bytes are needed.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "file_parse.h"
#include "units.h"

namespace vramcalc {

struct SafetensorsTensor {
    std::string name;
    std::string dtype;                 // "BF16", "F8_E4M3", "I32", ...
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;           // data_offsets, from the start of the data section
    std::uint64_t end = 0;
    Bytes bytes() const { return end - begin; }
};

struct SafetensorsHeader {
    std::uint64_t header_bytes = 0;    // N
    std::vector<SafetensorsTensor> tensors;  // in data order
    std::vector<std::pair<std::string, std::string>> metadata;  // __metadata__
    std::uint64_t data_bytes = 0;
};

struct SafetensorsParse : ParseOutcome {
    SafetensorsHeader header;
};

inline constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;  // the crate's MAX_HEADER_SIZE
inline constexpr std::uint64_t kSafetensorsMaxTensors = 1'000'000;
inline constexpr int kSafetensorsMaxDims = 16;
inline constexpr int kSafetensorsMaxJsonDepth = 8;  // a header nests 3 deep

// Bits per element of a safetensors dtype (the crate's Dtype::bitsize); 0 for an unknown name.
// F4 and F6_* are packed: a tensor's elements x bits must then fill whole bytes.
int safetensors_dtype_bits(std::string_view dtype);

// `prefix`: the first bytes of a file of `file_size` bytes. NeedMore until it holds 8 + N bytes.
SafetensorsParse parse_safetensors_header(std::span<const std::uint8_t> prefix, std::uint64_t file_size);

struct SafetensorsIndex {
    std::vector<std::pair<std::string, std::string>> weight_map;  // tensor -> shard file
    std::vector<std::string> shards;                              // distinct shard files, in order seen
    std::optional<std::uint64_t> total_size;                      // metadata.total_size, when given
};

struct SafetensorsIndexParse {
    bool ok = false;
    std::string error;
    SafetensorsIndex index;
};

// model.safetensors.index.json: {"metadata": {"total_size": N}, "weight_map": {"tensor": "shard"}}.
SafetensorsIndexParse parse_safetensors_index(std::string_view json_text);

}  // namespace vramcalc
