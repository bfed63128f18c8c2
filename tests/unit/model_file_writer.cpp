// Test code only (see model_file_writer.h).
#include "model_file_writer.h"

#include <map>

#include <nlohmann/json.hpp>

namespace vramcalc::test {

namespace {

// gguf.md value types
enum : std::uint32_t { kU8 = 0, kI32 = 5, kF32v = 6, kBool = 7, kString = 8, kArray = 9, kU64 = 10, kU32 = 4 };

struct Block {
    int elements;
    int bytes;
};
// ggml-common.h block structs, by ggml type id (the sizes gguf.md's "GGML types" refers to).
const std::map<std::uint32_t, Block>& blocks() {
    static const std::map<std::uint32_t, Block> table = {
        {0, {1, 4}},      {1, {1, 2}},      {2, {32, 18}},    {3, {32, 20}},   {6, {32, 22}},    {7, {32, 24}},
        {8, {32, 34}},    {9, {32, 36}},    {10, {256, 84}},  {11, {256, 110}}, {12, {256, 144}}, {13, {256, 176}},
        {14, {256, 210}}, {15, {256, 292}}, {16, {256, 66}},  {17, {256, 74}},  {18, {256, 98}},  {19, {256, 50}},
        {20, {32, 18}},   {21, {256, 110}}, {22, {256, 82}},  {23, {256, 136}}, {24, {1, 1}},     {25, {1, 2}},
        {26, {1, 4}},     {27, {1, 8}},     {28, {1, 8}},     {29, {256, 56}},  {30, {1, 2}},     {34, {256, 54}},
        {35, {256, 66}},  {39, {32, 17}},   {40, {64, 36}},   {41, {128, 18}},  {42, {64, 18}},
    };
    return table;
}

}  // namespace

void GgufWriter::put(ByteVec& out, std::uint64_t v, int bytes) const {
    for (int i = 0; i < bytes; ++i) {
        const int shift = big_endian ? 8 * (bytes - 1 - i) : 8 * i;
        out.push_back(static_cast<std::uint8_t>(v >> shift));
    }
}

void GgufWriter::put_string(ByteVec& out, const std::string& s) const {
    put(out, s.size(), 8);
    out.insert(out.end(), s.begin(), s.end());
}

void GgufWriter::raw_kv(const std::string& key, const ByteVec& rest) {
    put_string(kv_, key);
    kv_.insert(kv_.end(), rest.begin(), rest.end());
    ++n_kv_;
}

void GgufWriter::u8(const std::string& key, std::uint8_t v) { ByteVec b; put(b, kU8, 4); put(b, v, 1); raw_kv(key, b); }
void GgufWriter::u32(const std::string& key, std::uint32_t v) { ByteVec b; put(b, kU32, 4); put(b, v, 4); raw_kv(key, b); }
void GgufWriter::i32(const std::string& key, std::int32_t v) { ByteVec b; put(b, kI32, 4); put(b, static_cast<std::uint32_t>(v), 4); raw_kv(key, b); }
void GgufWriter::u64(const std::string& key, std::uint64_t v) { ByteVec b; put(b, kU64, 4); put(b, v, 8); raw_kv(key, b); }
void GgufWriter::boolean(const std::string& key, bool v) { ByteVec b; put(b, kBool, 4); put(b, v ? 1 : 0, 1); raw_kv(key, b); }

void GgufWriter::f32(const std::string& key, float v) {
    std::uint32_t bits = 0;
    static_assert(sizeof bits == sizeof v);
    __builtin_memcpy(&bits, &v, sizeof bits);
    ByteVec b;
    put(b, kF32v, 4);
    put(b, bits, 4);
    raw_kv(key, b);
}

void GgufWriter::str(const std::string& key, const std::string& v) {
    ByteVec b;
    put(b, kString, 4);
    put_string(b, v);
    raw_kv(key, b);
}

void GgufWriter::strings(const std::string& key, const std::vector<std::string>& v) {
    ByteVec b;
    put(b, kArray, 4);
    put(b, kString, 4);
    put(b, v.size(), 8);
    for (const auto& s : v) put_string(b, s);
    raw_kv(key, b);
}

void GgufWriter::i32s(const std::string& key, const std::vector<std::int32_t>& v) {
    ByteVec b;
    put(b, kArray, 4);
    put(b, kI32, 4);
    put(b, v.size(), 8);
    for (auto x : v) put(b, static_cast<std::uint32_t>(x), 4);
    raw_kv(key, b);
}

std::uint64_t GgufWriter::bytes_of(std::uint32_t type, const std::vector<std::int64_t>& ne) {
    auto it = blocks().find(type);
    if (it == blocks().end() || ne.empty()) return 0;
    std::uint64_t rows = 1;
    for (std::size_t i = 1; i < ne.size(); ++i) rows *= static_cast<std::uint64_t>(ne[i]);
    return static_cast<std::uint64_t>(ne[0] / it->second.elements) * static_cast<std::uint64_t>(it->second.bytes) * rows;
}

void GgufWriter::tensor(const std::string& name, std::uint32_t type, std::vector<std::int64_t> ne, std::int64_t offset) {
    tensors_.push_back(Tensor{name, type, std::move(ne), offset, 0});
    tensors_.back().bytes = bytes_of(type, tensors_.back().ne);
}

ByteVec GgufWriter::header() const {
    ByteVec out = {'G', 'G', 'U', 'F'};
    put(out, version, 4);
    put(out, static_cast<std::uint64_t>(tensor_count_override.value_or(static_cast<std::int64_t>(tensors_.size()))), 8);
    put(out, static_cast<std::uint64_t>(kv_count_override.value_or(static_cast<std::int64_t>(n_kv_))), 8);
    out.insert(out.end(), kv_.begin(), kv_.end());
    std::uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
        put_string(out, t.name);
        put(out, t.ne.size(), 4);
        for (auto n : t.ne) put(out, static_cast<std::uint64_t>(n), 8);
        put(out, t.type, 4);
        put(out, t.offset >= 0 ? static_cast<std::uint64_t>(t.offset) : offset, 8);
        offset += (t.bytes + alignment - 1) / alignment * alignment;
    }
    while (!tensors_.empty() && out.size() % alignment != 0) out.push_back(0);
    return out;
}

std::uint64_t GgufWriter::file_size() const {
    std::uint64_t size = header().size();
    for (const Tensor& t : tensors_) size += (t.bytes + alignment - 1) / alignment * alignment;
    return size;
}

ByteVec safetensors_raw(const std::string& text) {
    ByteVec out;
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(text.size()) >> (8 * i)));
    out.insert(out.end(), text.begin(), text.end());
    return out;
}

ByteVec safetensors_header(const std::vector<SafetensorsEntry>& tensors, std::uint64_t& file_size,
                           const std::vector<std::pair<std::string, std::string>>& metadata) {
    // Bits per element: the README's dtype list (BOOL/U8/I8/F8_*: 8, F16/BF16/I16/U16: 16, ...).
    static const std::map<std::string, int> bits = {
        {"BOOL", 8}, {"U8", 8}, {"I8", 8}, {"F8_E4M3", 8}, {"F8_E5M2", 8}, {"F8_E8M0", 8}, {"I16", 16}, {"U16", 16},
        {"F16", 16}, {"BF16", 16}, {"I32", 32}, {"U32", 32}, {"F32", 32}, {"F64", 64}, {"I64", 64}, {"U64", 64},
        {"F4", 4}, {"F6_E2M3", 6}, {"F6_E3M2", 6},
    };
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        nlohmann::ordered_json m = nlohmann::ordered_json::object();
        for (const auto& [k, v] : metadata) m[k] = v;
        j["__metadata__"] = m;
    }
    std::uint64_t offset = 0;
    for (const SafetensorsEntry& t : tensors) {
        std::uint64_t n = 1;
        for (auto d : t.shape) n *= static_cast<std::uint64_t>(d);
        const std::uint64_t b = n * static_cast<std::uint64_t>(bits.at(t.dtype)) / 8;
        j[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + b}}};
        offset += b;
    }
    std::string text = j.dump();
    while (text.size() % 8 != 0) text += ' ';
    file_size = 8 + text.size() + offset;
    return safetensors_raw(text);
}

}  // namespace vramcalc::test
