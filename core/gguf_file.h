// A GGUF file's header (metadata key-values and tensor infos) parsed from bytes the caller read: the
// layout of ggml/docs/gguf.md, checked as llama.cpp's ggml/src/gguf.cpp gguf_init_from_reader checks
// it (magic, version, endianness, alignment, tensor offsets). Only the header is needed: the caller
// reads a prefix (1 MiB is plenty for most files) and reads a longer one when the parser asks.
// A hostile header is refused with a message, never trusted for an allocation: every count and
// length is checked against the limits below and against the bytes the file can still hold.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "file_parse.h"
#include "gguf.h"
#include "units.h"

namespace vramcalc {

// ggml/include/gguf.h enum gguf_type
enum class GgufValueType : std::uint8_t { U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7,
                                          String = 8, Array = 9, U64 = 10, I64 = 11, F64 = 12 };

struct GgufValue {
    GgufValueType type = GgufValueType::U8;  // the element type of an array
    bool is_array = false;
    std::uint64_t count = 1;                 // array length (1 for a scalar)
    double number = 0.0;                     // a numeric or bool scalar
    std::string text;                        // a string scalar (kept up to kGgufKeptStringBytes)
    std::vector<double> numbers;             // a numeric array (kept up to kGgufKeptArrayValues values)
    bool is_numeric() const { return type != GgufValueType::String && type != GgufValueType::Array; }
};

struct GgufKv {
    std::string key;
    GgufValue value;
};

struct GgufTensorInfo {
    std::string name;
    GgmlType type = GgmlType::F32;
    std::uint32_t n_dims = 0;
    std::int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the row length (input features)
    std::uint64_t offset = 0;           // from the start of the data section
    Bytes bytes = 0;                    // ggml_nbytes: ggml_row_size(type, ne[0]) x ne[1] x ne[2] x ne[3]
};

struct GgufHeader {
    std::uint32_t version = 0;
    std::uint64_t alignment = 32;       // general.alignment (GGUF_DEFAULT_ALIGNMENT)
    std::vector<GgufKv> kv;
    std::vector<GgufTensorInfo> tensors;
    std::uint64_t data_offset = 0;      // where the tensor data starts: the header padded to the alignment
    std::uint64_t data_bytes = 0;       // the data section: every tensor padded to the alignment

    const GgufValue* find(std::string_view key) const;
    std::optional<std::int64_t> integer(std::string_view key) const;  // a whole-number scalar
    std::string text(std::string_view key) const;                     // a string scalar ("" if absent)
};

struct GgufParse : ParseOutcome {
    GgufHeader header;
};

// Limits beyond any published model (DeepSeek-V3 has ~1,800 tensors and ~50 keys; vocabularies and
// merge lists reach ~300k strings): a header past them is refused.
inline constexpr std::uint64_t kGgufMaxTensors = 1'000'000;
inline constexpr std::uint64_t kGgufMaxKv = 100'000;
inline constexpr std::uint64_t kGgufMaxKeyBytes = 65'536;
inline constexpr std::uint64_t kGgufMaxStringBytes = 64ull << 20;    // one string value (chat templates)
inline constexpr std::uint64_t kGgufMaxArrayElements = 1ull << 28;
inline constexpr std::uint64_t kGgufMaxAlignment = 1ull << 30;
inline constexpr std::uint32_t kGgmlMaxName = 64;                    // GGML_MAX_NAME: names are shorter
inline constexpr std::uint64_t kGgufKeptStringBytes = 4096;
inline constexpr std::uint64_t kGgufKeptArrayValues = 65'536;

// Parses the header from `prefix`, the first bytes of a file of `file_size` bytes (>= prefix.size()).
// NeedMore: the prefix ends inside the header; read bytes_needed (or next_read_size) and call again.
GgufParse parse_gguf_header(std::span<const std::uint8_t> prefix, std::uint64_t file_size);

// The bytes one tensor takes in a llama.cpp CUDA buffer: ggml_backend_cuda_buffer_type_get_alloc_size
// (quantized rows padded to MATRIX_ROW_PADDING = 512 elements) rounded up to the buffer's alignment
// of 128 (ggml_backend_cuda_buffer_type_get_alignment; ggml-alloc.c ggml_backend_alloc_ctx_tensors_from_buft
// pads each tensor to it).
Bytes llamacpp_cuda_tensor_bytes(const GgufTensorInfo& t);

// "model-00001-of-00003.gguf" -> {1, 3} (llama.cpp's split naming, llama_split_prefix); nullopt otherwise.
struct SplitName {
    int part = 0;
    int count = 0;
    std::string prefix;  // "model"
};
std::optional<SplitName> gguf_split_name(std::string_view file_name);
std::string gguf_split_file_name(const std::string& prefix, int part, int count);

}  // namespace vramcalc
