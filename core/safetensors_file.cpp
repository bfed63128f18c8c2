// safetensors header and index readers (see safetensors_file.h). Never throws: JSON is parsed with
// exceptions off and every field's type is checked before it is read.
#include "safetensors_file.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "json_depth.h"

namespace vramcalc {

namespace {

using nlohmann::json;

std::string num(std::uint64_t v) { return std::to_string(v); }

bool fail(SafetensorsParse& out, std::string msg) {
    out.status = ParseStatus::Error;
    out.error = std::move(msg);
    out.header = SafetensorsHeader{};
    return false;
}

bool read_uint(const json& v, std::uint64_t& out) {
    if (v.is_number_unsigned()) { out = v.get<std::uint64_t>(); return true; }
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) { out = static_cast<std::uint64_t>(v.get<std::int64_t>()); return true; }
    return false;
}

bool read_tensor(SafetensorsParse& out, const std::string& name, const json& v, SafetensorsTensor& t) {
    const std::string where = "tensor '" + name + "'";
    if (!v.is_object()) return fail(out, where + ": expected {dtype, shape, data_offsets}");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto off = v.find("data_offsets");
    if (dt == v.end() || !dt->is_string()) return fail(out, where + ": dtype missing or not a string");
    if (sh == v.end() || !sh->is_array()) return fail(out, where + ": shape missing or not an array");
    if (off == v.end() || !off->is_array() || off->size() != 2) return fail(out, where + ": data_offsets must be [begin, end]");
    t.name = name;
    t.dtype = dt->get<std::string>();
    const int bits = safetensors_dtype_bits(t.dtype);
    if (bits == 0) return fail(out, where + ": unknown dtype \"" + t.dtype + "\"");
    if (sh->size() > static_cast<std::size_t>(kSafetensorsMaxDims)) return fail(out, where + ": more than 16 dimensions");
    // elements x bits, refused when it would not fit in 64 bits
    std::uint64_t bit_count = static_cast<std::uint64_t>(bits);
    for (const json& d : *sh) {
        std::uint64_t n = 0;
        if (!read_uint(d, n)) return fail(out, where + ": shape holds " + d.dump() + ", not a non-negative integer");
        if (n != 0 && bit_count > UINT64_MAX / 4 / n) return fail(out, where + ": shape too large to be real");
        bit_count *= n;
        t.shape.push_back(static_cast<std::int64_t>(n));
    }
    if (!read_uint((*off)[0], t.begin) || !read_uint((*off)[1], t.end) || t.end < t.begin)
        return fail(out, where + ": data_offsets must be two non-negative integers, begin <= end");
    if (bit_count % 8 != 0) return fail(out, where + ": " + t.dtype + " elements do not fill whole bytes");
    if (t.end - t.begin != bit_count / 8)
        return fail(out, where + ": data_offsets span " + num(t.end - t.begin) + " bytes but " + t.dtype + " x shape is " +
                             num(bit_count / 8));
    return true;
}

}  // namespace

int safetensors_dtype_bits(std::string_view d) {
    // safetensors src/tensor.rs Dtype::bitsize
    static const std::pair<std::string_view, int> kBits[] = {
        {"BOOL", 8}, {"F4", 4}, {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8}, {"I8", 8}, {"F8_E5M2", 8}, {"F8_E4M3", 8},
        {"F8_E8M0", 8}, {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8}, {"I16", 16}, {"U16", 16}, {"F16", 16}, {"BF16", 16},
        {"I32", 32}, {"U32", 32}, {"F32", 32}, {"C64", 64}, {"F64", 64}, {"I64", 64}, {"U64", 64},
    };
    for (const auto& [name, bits] : kBits)
        if (name == d) return bits;
    return 0;
}

SafetensorsParse parse_safetensors_header(std::span<const std::uint8_t> prefix, std::uint64_t file_size_in) {
    SafetensorsParse out;
    const std::uint64_t file_size = std::max<std::uint64_t>(file_size_in, prefix.size());
    auto need = [&](std::uint64_t n) {
        if (n > file_size) {
            fail(out, "truncated: the file has " + num(file_size) + " bytes but its header needs " + num(n));
            return false;
        }
        if (n > prefix.size()) {
            out.status = ParseStatus::NeedMore;
            out.bytes_needed = n;
            return false;
        }
        return true;
    };
    if (!need(8)) return out;
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(prefix[static_cast<std::size_t>(i)]) << (8 * i);
    if (n > kSafetensorsMaxHeaderBytes) {
        fail(out, "header length " + num(n) + " exceeds safetensors' limit of 100 MB (not a safetensors file?)");
        return out;
    }
    if (!need(8 + n)) return out;
    const std::string_view text(reinterpret_cast<const char*>(prefix.data()) + 8, static_cast<std::size_t>(n));
    if (text.empty() || text[0] != '{') {
        fail(out, "the header does not start with '{' (not a safetensors file)");
        return out;
    }
    if (json_depth(text) > kSafetensorsMaxJsonDepth) {
        fail(out, "the header's JSON nests deeper than a safetensors header does");
        return out;
    }
    const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        fail(out, "the header is not a valid JSON object");
        return out;
    }
    if (j.size() > kSafetensorsMaxTensors) {
        fail(out, "more than " + num(kSafetensorsMaxTensors) + " tensors");
        return out;
    }
    SafetensorsHeader& h = out.header;
    h.header_bytes = n;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) return fail(out, "__metadata__ must be an object of strings"), out;
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string()) return fail(out, "__metadata__ value of '" + m.key() + "' is not a string"), out;
                h.metadata.emplace_back(m.key(), m->get<std::string>());
            }
            continue;
        }
        SafetensorsTensor t;
        if (!read_tensor(out, it.key(), *it, t)) return out;
        h.tensors.push_back(std::move(t));
    }
    // Metadata::validate: in offset order, each tensor begins where the previous ends, and the
    // last ends where the file does.
    std::stable_sort(h.tensors.begin(), h.tensors.end(),
                     [](const SafetensorsTensor& a, const SafetensorsTensor& b) { return a.begin < b.begin || (a.begin == b.begin && a.end < b.end); });
    std::uint64_t expected = 0;
    for (const SafetensorsTensor& t : h.tensors) {
        if (t.begin != expected)
            return fail(out, "tensor '" + t.name + "' begins at " + num(t.begin) + ", expected " + num(expected) +
                                 " (safetensors tensors tile the data with no hole or overlap)"), out;
        expected = t.end;
    }
    h.data_bytes = expected;
    if (file_size_in != kUnknownFileSize && 8 + n + expected != file_size) {
        const std::uint64_t end = 8 + n + expected;
        fail(out, end > file_size ? "the file is truncated: its tensors end at byte " + num(end) + " but it has " + num(file_size) +
                                        " bytes (an unfinished download?)"
                                  : "the file has " + num(file_size - end) + " bytes after its last tensor (safetensors refuses it)");
        return out;
    }
    out.status = ParseStatus::Ok;
    return out;
}

SafetensorsIndexParse parse_safetensors_index(std::string_view text) {
    SafetensorsIndexParse out;
    if (json_depth(text) > kSafetensorsMaxJsonDepth) {
        out.error = "the index's JSON nests deeper than an index does";
        return out;
    }
    const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        out.error = "not a JSON object";
        return out;
    }
    auto wm = j.find("weight_map");
    if (wm == j.end() || !wm->is_object() || wm->empty()) {
        out.error = "no weight_map (is this model.safetensors.index.json?)";
        return out;
    }
    std::set<std::string> seen;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
        if (!it->is_string() || it->get<std::string>().empty()) {
            out.error = "weight_map['" + it.key() + "'] is not a file name";
            return out;
        }
        const std::string shard = it->get<std::string>();
        out.index.weight_map.emplace_back(it.key(), shard);
        if (seen.insert(shard).second) out.index.shards.push_back(shard);
    }
    if (auto md = j.find("metadata"); md != j.end() && md->is_object()) {
        std::uint64_t total = 0;
        if (auto ts = md->find("total_size"); ts != md->end() && read_uint(*ts, total)) out.index.total_size = total;
    }
    out.ok = true;
    return out;
}

}  // namespace vramcalc
