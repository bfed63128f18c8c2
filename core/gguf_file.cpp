// GGUF header reader (see gguf_file.h). The checks follow llama.cpp ggml/src/gguf.cpp
// gguf_init_from_reader at 067d44f: magic "GGUF"; version 0, 1 and > 3 refused, a version whose
// low 16 bits are zero read as a byte-swapped (big-endian) file; general.alignment a UINT32 power
// of two; nested arrays refused; at most 4 dimensions, none negative, the element count and byte
// size representable; the row length a multiple of the type's block; tensor names shorter than
// GGML_MAX_NAME and unique; each tensor's offset exactly where the previous one ends, padded.
#include "gguf_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_set>

namespace vramcalc {

namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }

// Little-endian reads over a prefix of a file, with the two ways to run out told apart: the file
// itself ends (the header is truncated or lies: an error) or only the prefix does (read more).
class Reader {
public:
    Reader(std::span<const std::uint8_t> prefix, std::uint64_t file_size)
        : data_(prefix.data()), have_(prefix.size()), file_(file_size < prefix.size() ? prefix.size() : file_size) {}

    ParseStatus status() const { return status_; }
    bool ok() const { return status_ == ParseStatus::Ok; }
    std::uint64_t pos() const { return pos_; }
    std::uint64_t left_in_file() const { return file_ - pos_; }
    const std::string& error() const { return error_; }
    std::uint64_t needed() const { return needed_; }
    void set_context(std::string c) { context_ = std::move(c); }

    bool fail(const std::string& msg) {
        if (ok()) {
            status_ = ParseStatus::Error;
            error_ = msg;
        }
        return false;
    }
    // n more bytes must exist in the file and in the prefix.
    bool need(std::uint64_t n) {
        if (!ok()) return false;
        if (n > file_ - pos_)
            return fail("truncated header: " + context_ + " runs past the end of the file (byte " + num(pos_) + " + " + num(n) +
                        " > " + num(file_) + " bytes)");
        if (n > have_ - pos_) {
            status_ = ParseStatus::NeedMore;
            needed_ = pos_ + n;
            return false;
        }
        return true;
    }
    bool skip(std::uint64_t n) {
        if (!need(n)) return false;
        pos_ += n;
        return true;
    }
    template <typename T>
    bool read(T& out) {
        if (!need(sizeof(T))) return false;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<std::uint64_t>(data_[pos_ + i]) << (8 * i);
        pos_ += sizeof(T);
        if constexpr (std::is_same_v<T, float>) {
            std::uint32_t bits = static_cast<std::uint32_t>(v);
            std::memcpy(&out, &bits, sizeof out);
        } else if constexpr (std::is_same_v<T, double>) {
            std::memcpy(&out, &v, sizeof out);
        } else {
            out = static_cast<T>(v);
        }
        return true;
    }
    // A GGUF string: u64 length, then the bytes. Kept in `out` when keep, else skipped.
    bool string(std::string* out, std::uint64_t max_bytes, const char* what) {
        std::uint64_t n = 0;
        if (!read(n)) return false;
        if (n > max_bytes) return fail(context_ + ": " + what + " of " + num(n) + " bytes exceeds the limit of " + num(max_bytes));
        if (!need(n)) return false;
        if (out) out->assign(reinterpret_cast<const char*>(data_ + pos_), static_cast<std::size_t>(n));
        pos_ += n;
        return true;
    }

private:
    const std::uint8_t* data_;
    std::uint64_t have_;
    std::uint64_t file_;
    std::uint64_t pos_ = 0;
    ParseStatus status_ = ParseStatus::Ok;
    std::string error_;
    std::uint64_t needed_ = 0;
    std::string context_ = "the header";
};

int value_size(GgufValueType t) {
    switch (t) {
        case GgufValueType::U8: case GgufValueType::I8: case GgufValueType::Bool: return 1;
        case GgufValueType::U16: case GgufValueType::I16: return 2;
        case GgufValueType::U32: case GgufValueType::I32: case GgufValueType::F32: return 4;
        case GgufValueType::U64: case GgufValueType::I64: case GgufValueType::F64: return 8;
        case GgufValueType::String: return 8;  // at least its length field
        case GgufValueType::Array: return 0;
    }
    return 0;
}

bool read_number(Reader& r, GgufValueType t, double& out) {
    switch (t) {
        case GgufValueType::U8: { std::uint8_t v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::I8: { std::int8_t v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::Bool: { std::int8_t v; if (!r.read(v)) return false; out = v != 0; return true; }
        case GgufValueType::U16: { std::uint16_t v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::I16: { std::int16_t v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::U32: { std::uint32_t v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::I32: { std::int32_t v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::F32: { float v; if (!r.read(v)) return false; out = v; return true; }
        case GgufValueType::U64: { std::uint64_t v; if (!r.read(v)) return false; out = static_cast<double>(v); return true; }
        case GgufValueType::I64: { std::int64_t v; if (!r.read(v)) return false; out = static_cast<double>(v); return true; }
        case GgufValueType::F64: { double v; if (!r.read(v)) return false; out = v; return true; }
        default: return r.fail("internal: not a number type");
    }
}

bool read_value(Reader& r, const std::string& key, GgufValue& v) {
    std::uint32_t type = 0;
    if (!r.read(type)) return false;
    if (type > 12) return r.fail("key '" + key + "' has invalid GGUF type " + num(type));
    v.type = static_cast<GgufValueType>(type);
    if (v.type == GgufValueType::Array) {
        std::uint32_t elem = 0;
        if (!r.read(elem) || !r.read(v.count)) return false;
        if (elem > 12) return r.fail("key '" + key + "' is an array of invalid GGUF type " + num(elem));
        if (elem == static_cast<std::uint32_t>(GgufValueType::Array))
            return r.fail("key '" + key + "' is an array of arrays: nested arrays are not part of GGUF (llama.cpp refuses them)");
        v.type = static_cast<GgufValueType>(elem);
        v.is_array = true;
        if (v.count > kGgufMaxArrayElements)
            return r.fail("key '" + key + "': array of " + num(v.count) + " elements exceeds the limit of " + num(kGgufMaxArrayElements));
        const std::uint64_t min_bytes = static_cast<std::uint64_t>(value_size(v.type));
        if (v.count > r.left_in_file() / min_bytes)
            return r.fail("key '" + key + "': array of " + num(v.count) + " elements cannot fit in the " + num(r.left_in_file()) +
                          " bytes left in the file");
        if (v.type == GgufValueType::String) {
            for (std::uint64_t i = 0; i < v.count; ++i)
                if (!r.string(nullptr, kGgufMaxStringBytes, "a string")) return false;
            return true;
        }
        if (v.count > kGgufKeptArrayValues) return r.skip(v.count * min_bytes);
        v.numbers.reserve(static_cast<std::size_t>(v.count));  // bounded by kGgufKeptArrayValues
        for (std::uint64_t i = 0; i < v.count; ++i) {
            double x = 0;
            if (!read_number(r, v.type, x)) return false;
            v.numbers.push_back(x);
        }
        return true;
    }
    if (v.type == GgufValueType::String) {
        std::uint64_t n = 0;
        // Peek the length to decide whether to keep the text (chat templates are long and unused).
        Reader probe = r;
        if (!probe.read(n)) return r.need(8);
        return r.string(n <= kGgufKeptStringBytes ? &v.text : nullptr, kGgufMaxStringBytes, "a string");
    }
    return read_number(r, v.type, v.number);
}

bool read_kv(Reader& r, std::int64_t n_kv, GgufHeader& h) {
    std::unordered_set<std::string> seen;
    for (std::int64_t i = 0; i < n_kv; ++i) {
        GgufKv kv;
        r.set_context("key " + num(static_cast<std::uint64_t>(i)));
        if (!r.string(&kv.key, kGgufMaxKeyBytes, "a key")) return false;
        if (kv.key.empty()) return r.fail("key " + num(static_cast<std::uint64_t>(i)) + " is empty");
        if (!seen.insert(kv.key).second) return r.fail("duplicate key '" + kv.key + "'");
        r.set_context("the value of '" + kv.key + "'");
        if (!read_value(r, kv.key, kv.value)) return false;
        h.kv.push_back(std::move(kv));
    }
    return true;
}

bool read_alignment(Reader& r, GgufHeader& h) {
    const GgufValue* a = h.find("general.alignment");
    if (!a) return true;
    if (a->is_array || a->type != GgufValueType::U32) return r.fail("general.alignment must be a UINT32 (llama.cpp refuses other types)");
    const auto v = static_cast<std::uint64_t>(a->number);
    if (v == 0 || (v & (v - 1)) != 0)
        return r.fail("general.alignment " + num(v) + " is not a power of two: llama.cpp refuses the file");
    if (v > kGgufMaxAlignment) return r.fail("general.alignment " + num(v) + " exceeds the limit of " + num(kGgufMaxAlignment));
    h.alignment = v;
    return true;
}

bool read_tensor(Reader& r, std::int64_t i, GgufTensorInfo& t, std::unordered_set<std::string>& names) {
    r.set_context("tensor " + num(static_cast<std::uint64_t>(i)));
    if (!r.string(&t.name, kGgmlMaxName - 1, "a name")) return false;
    if (!names.insert(t.name).second) return r.fail("duplicate tensor name '" + t.name + "'");
    r.set_context("tensor '" + t.name + "'");
    if (!r.read(t.n_dims)) return false;
    if (t.n_dims > 4) return r.fail("tensor '" + t.name + "' has " + num(t.n_dims) + " dimensions; ggml allows at most 4");
    for (std::uint32_t d = 0; d < t.n_dims; ++d) {
        if (!r.read(t.ne[d])) return false;
        if (t.ne[d] < 0) return r.fail("tensor '" + t.name + "' has a negative dimension");
    }
    std::uint32_t type_id = 0;
    if (!r.read(type_id)) return false;
    const auto type = ggml_type_from_id(type_id);
    if (!type) return r.fail("tensor '" + t.name + "' has ggml type " + num(type_id) + ", which ggml does not define (or has removed)");
    t.type = *type;
    const GgmlTypeInfo& info = ggml_type_info(t.type);
    if (t.ne[0] % info.block != 0)
        return r.fail("tensor '" + t.name + "' (" + info.name + ") has rows of " + std::to_string(t.ne[0]) +
                      " elements, not a multiple of the block size " + std::to_string(info.block));
    // Bytes = blocks per row x block bytes x rows, refused when it would not fit in 64 bits.
    std::uint64_t bytes = static_cast<std::uint64_t>(t.ne[0] / info.block) * static_cast<std::uint64_t>(info.block_bytes);
    for (int d = 1; d < 4; ++d) {
        const auto n = static_cast<std::uint64_t>(t.ne[d]);
        if (n != 0 && bytes > UINT64_MAX / 2 / n) return r.fail("tensor '" + t.name + "' is too large to be real (its size overflows)");
        bytes *= n;
    }
    t.bytes = bytes;
    return r.read(t.offset);
}

// Tensor data follows the header at the next multiple of the alignment; each tensor starts where
// the previous one ends, padded (gguf.cpp: "tensor '%s' has offset %lu, expected %zu").
bool check_layout(Reader& r, GgufHeader& h, std::uint64_t file_size) {
    h.data_offset = h.tensors.empty() ? r.pos() : round_up(r.pos(), h.alignment);
    std::uint64_t expected = 0;
    for (const GgufTensorInfo& t : h.tensors) {
        if (t.offset != expected)
            return r.fail("tensor '" + t.name + "' has offset " + num(t.offset) + ", expected " + num(expected) +
                          " (tensors follow each other, each padded to " + num(h.alignment) + " bytes)");
        const std::uint64_t padded = round_up(t.bytes, h.alignment);
        if (padded < t.bytes || expected > UINT64_MAX / 2 - padded) return r.fail("the tensors' total size overflows");
        expected += padded;
    }
    h.data_bytes = expected;
    if (!h.tensors.empty()) {
        const GgufTensorInfo& last = h.tensors.back();
        const std::uint64_t end = h.data_offset + last.offset + last.bytes;
        if (end < h.data_offset || end > file_size)
            return r.fail("the file is truncated: its tensors end at byte " + num(end) + " but it has " + num(file_size) +
                          " bytes (an unfinished download?)");
    }
    return true;
}

}  // namespace

const GgufValue* GgufHeader::find(std::string_view key) const {
    for (const GgufKv& kv : this->kv)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

std::optional<std::int64_t> GgufHeader::integer(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->is_array || !v->is_numeric()) return std::nullopt;
    if (!(v->number >= -9e15 && v->number <= 9e15)) return std::nullopt;
    return static_cast<std::int64_t>(v->number);
}

std::string GgufHeader::text(std::string_view key) const {
    const GgufValue* v = find(key);
    return v && !v->is_array && v->type == GgufValueType::String ? v->text : std::string();
}

GgufParse parse_gguf_header(std::span<const std::uint8_t> prefix, std::uint64_t file_size) {
    GgufParse out;
    Reader r(prefix, file_size);
    GgufHeader& h = out.header;
    auto finish = [&]() -> GgufParse& {
        out.status = r.status();
        out.error = r.error();
        out.bytes_needed = r.needed();
        if (out.status != ParseStatus::Ok) out.header = GgufHeader{};
        return out;
    };

    r.set_context("the magic");
    if (!r.need(4)) return finish();
    if (std::memcmp(prefix.data(), "GGUF", 4) != 0) {
        r.fail("not a GGUF file (it does not start with \"GGUF\")");
        return finish();
    }
    r.skip(4);
    r.set_context("the version");
    std::int64_t n_tensors = 0, n_kv = 0;
    if (!r.read(h.version)) return finish();
    if (h.version == 0) r.fail("bad GGUF version 0");
    else if ((h.version & 0xFFFF) == 0)
        r.fail("this GGUF file is big-endian (its version field reads byte-swapped as " + num(h.version) +
               "): llama.cpp reads little-endian files only");
    else if (h.version == 1) r.fail("GGUF version 1 is no longer supported by llama.cpp; convert the model again");
    else if (h.version > 3) r.fail("GGUF version " + num(h.version) + " is newer than the version 3 this reader knows");
    r.set_context("the counts");
    if (!r.read(n_tensors) || !r.read(n_kv)) return finish();
    // Each tensor info takes at least 24 bytes (name length, dims, type, offset), each key-value 13.
    if (n_tensors < 0 || static_cast<std::uint64_t>(n_tensors) > kGgufMaxTensors)
        r.fail("tensor count " + std::to_string(n_tensors) + " is outside [0, " + num(kGgufMaxTensors) + "]");
    else if (n_kv < 0 || static_cast<std::uint64_t>(n_kv) > kGgufMaxKv)
        r.fail("key-value count " + std::to_string(n_kv) + " is outside [0, " + num(kGgufMaxKv) + "]");
    else if (static_cast<std::uint64_t>(n_tensors) * 24 + static_cast<std::uint64_t>(n_kv) * 13 > r.left_in_file())
        r.fail("truncated or corrupt header: " + std::to_string(n_tensors) + " tensors and " + std::to_string(n_kv) +
               " keys cannot fit in a file of " + num(file_size) + " bytes");
    if (!r.ok()) return finish();
    if (!read_kv(r, n_kv, h) || !read_alignment(r, h)) return finish();

    std::unordered_set<std::string> names;
    h.tensors.reserve(static_cast<std::size_t>(std::min<std::int64_t>(n_tensors, 4096)));
    for (std::int64_t i = 0; i < n_tensors; ++i) {
        GgufTensorInfo t;
        if (!read_tensor(r, i, t, names)) return finish();
        h.tensors.push_back(std::move(t));
    }
    check_layout(r, h, file_size < prefix.size() ? prefix.size() : file_size);
    return finish();
}

Bytes llamacpp_cuda_tensor_bytes(const GgufTensorInfo& t) {
    constexpr std::int64_t kMatrixRowPadding = 512;  // ggml-cuda/common.cuh MATRIX_ROW_PADDING
    Bytes size = t.bytes;
    if (ggml_is_quantized(t.type) && t.ne[0] % kMatrixRowPadding != 0)
        size += ggml_tensor_bytes(t.type, kMatrixRowPadding - t.ne[0] % kMatrixRowPadding, 1);
    return round_up(size, 128);
}

std::optional<SplitName> gguf_split_name(std::string_view name) {
    // llama_split_prefix / llama_split_path: "%s-%05d-of-%05d.gguf"
    constexpr std::string_view kExt = ".gguf";
    if (name.size() < kExt.size() + 15 || name.substr(name.size() - kExt.size()) != kExt) return std::nullopt;
    const std::string_view core = name.substr(0, name.size() - kExt.size());  // prefix-NNNNN-of-MMMMM
    const std::string_view tail = core.substr(core.size() - 15);              // -NNNNN-of-MMMMM
    auto digits = [](std::string_view s) {
        int v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    };
    if (tail[0] != '-' || tail.substr(6, 4) != "-of-") return std::nullopt;
    const int part = digits(tail.substr(1, 5)), count = digits(tail.substr(10, 5));
    if (part < 1 || count < 1 || part > count) return std::nullopt;
    return SplitName{part, count, std::string(core.substr(0, core.size() - 15))};
}

std::string gguf_split_file_name(const std::string& prefix, int part, int count) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "-%05d-of-%05d.gguf", part, count);
    return prefix + buf;
}

}  // namespace vramcalc
