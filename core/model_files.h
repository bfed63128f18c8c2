// A model given as files (GGUF parts, an mmproj, safetensors shards, a model.safetensors.index.json,
// a config.json), turned into what a Scenario needs: the config.json text, the tensor summary
// (file_weights.h), the weight format and a name. The CLI, the page and the Hub fetch all read
// headers their own way and meet here. No I/O: the headers arrive parsed.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gguf_file.h"
#include "safetensors_file.h"
#include "scenario.h"
#include "units.h"

namespace vramcalc {

enum class ModelFileKind { Gguf, Safetensors, Index, Config, Other };

// By name: *.gguf, *.safetensors, *.safetensors.index.json / *.index.json, *.json (a config).
ModelFileKind model_file_kind(std::string_view file_name);

struct ModelFile {
    std::string name;                 // file name without folders
    Bytes size = 0;                   // the whole file's size
    ModelFileKind kind = ModelFileKind::Other;
    std::optional<GgufHeader> gguf;
    std::optional<SafetensorsHeader> safetensors;
    std::string text;                 // an index's or a config's contents
};

// Parses the header of a .gguf or .safetensors file (by f.kind, of f.size bytes) from a prefix into
// f.gguf / f.safetensors. NeedMore: read a longer prefix (next_read_size) and call again.
ParseOutcome parse_model_file_header(ModelFile& f, std::span<const std::uint8_t> prefix);

struct ModelFromFiles {
    bool ok = false;                  // a model to estimate
    std::string error;                // what is wrong with the files given (empty while only waiting)
    std::vector<std::string> missing; // files named by the others but not given yet (split parts, shards)
    std::vector<std::string> notes;
    std::string source;               // "gguf", "safetensors", or "config" (a config.json only)
    std::string name;
    std::string config_json;
    std::string tensors;              // encode_file_weights(...)
    std::string weights_format;       // the files' weight format id
    bool unsplit_mla_gguf = false;    // an MLA GGUF from before llama.cpp's MLA split (Scenario::unsplit_mla_gguf)
    Bytes weight_bytes = 0;
    std::size_t tensor_count = 0;
};

ModelFromFiles model_from_files(const std::vector<ModelFile>& files);

// Points the scenario at the model: custom config, tensor summary and name; the weights format the
// files are in; llama.cpp for a GGUF (the engine that loads it), vLLM instead of llama.cpp for safetensors.
void apply_model_files(const ModelFromFiles& m, Scenario& s);

}  // namespace vramcalc
