// Test code only: writes GGUF and safetensors headers byte by byte from the published format specs
// (ggml/docs/gguf.md; the safetensors README), independently of the readers under test. Block sizes
// are the spec's own table (gguf.md "GGML types"), written out here rather than taken from core.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vramcalc::test {

using ByteVec = std::vector<std::uint8_t>;

// GGUF: magic, version, tensor count, KV count, KVs, tensor infos, padding to the alignment, data.
class GgufWriter {
public:
    std::uint32_t version = 3;
    std::uint32_t alignment = 32;   // the layout's alignment (write general.alignment to change the file's)
    bool big_endian = false;        // writes every number byte-swapped, as a big-endian converter would

    void u8(const std::string& key, std::uint8_t v);
    void u32(const std::string& key, std::uint32_t v);
    void i32(const std::string& key, std::int32_t v);
    void u64(const std::string& key, std::uint64_t v);
    void f32(const std::string& key, float v);
    void boolean(const std::string& key, bool v);
    void str(const std::string& key, const std::string& v);
    void strings(const std::string& key, const std::vector<std::string>& v);
    void i32s(const std::string& key, const std::vector<std::int32_t>& v);
    // Raw KV bytes (hostile headers): the key, then whatever follows.
    void raw_kv(const std::string& key, const ByteVec& type_and_value);

    // A tensor of ggml type id `type` with dimensions ne (ne[0] = row length). Offsets are laid out
    // as the spec says unless `offset` is given.
    void tensor(const std::string& name, std::uint32_t type, std::vector<std::int64_t> ne, std::int64_t offset = -1);

    ByteVec header() const;                 // magic through the padding before the data
    std::uint64_t file_size() const;        // header + every tensor, each padded to the alignment
    std::uint64_t tensor_bytes(std::size_t i) const { return tensors_[i].bytes; }

    // Overrides for hostile files: counts written instead of the real ones.
    std::optional<std::int64_t> tensor_count_override;
    std::optional<std::int64_t> kv_count_override;

    // Bytes of one tensor of this type (the spec's block table); 0 for an unknown type.
    static std::uint64_t bytes_of(std::uint32_t type, const std::vector<std::int64_t>& ne);

    // Little-endian (or big-endian when asked) encodings, for hand-built hostile bytes.
    void put(ByteVec& out, std::uint64_t v, int bytes) const;
    void put_string(ByteVec& out, const std::string& s) const;

private:
    struct Tensor {
        std::string name;
        std::uint32_t type;
        std::vector<std::int64_t> ne;
        std::int64_t offset;
        std::uint64_t bytes;
    };
    ByteVec kv_;
    std::uint64_t n_kv_ = 0;
    std::vector<Tensor> tensors_;
};

struct SafetensorsEntry {
    std::string name;
    std::string dtype;
    std::vector<std::int64_t> shape;
};

// 8-byte little-endian header length, the JSON header (padded with spaces to a multiple of 8, as
// the Python writer does), then the data. Returns the header bytes; file_size gets the whole size.
ByteVec safetensors_header(const std::vector<SafetensorsEntry>& tensors, std::uint64_t& file_size,
                           const std::vector<std::pair<std::string, std::string>>& metadata = {});
// A header from raw JSON text (hostile headers).
ByteVec safetensors_raw(const std::string& json_text);

// ggml type ids (ggml.h enum ggml_type) for readable tests.
enum : std::uint32_t {
    kF32 = 0, kF16 = 1, kQ4_0 = 2, kQ4_1 = 3, kQ5_0 = 6, kQ5_1 = 7, kQ8_0 = 8, kQ2_K = 10, kQ3_K = 11, kQ4_K = 12,
    kQ5_K = 13, kQ6_K = 14, kIQ2_XXS = 16, kIQ2_XS = 17, kIQ3_XXS = 18, kIQ1_S = 19, kIQ4_NL = 20, kIQ3_S = 21,
    kIQ2_S = 22, kIQ4_XS = 23, kIQ1_M = 29, kBF16 = 30, kTQ1_0 = 34, kTQ2_0 = 35, kMXFP4 = 39,
};

}  // namespace vramcalc::test
