#include "export.h"

#include <cctype>
#include <cmath>
#include <map>
#include <optional>

#include "catalog.h"
#include "estimate_json.h"
#include "formats.h"
#include "scenario_json.h"
#include "share_link.h"
#include "solvers.h"
#include "text.h"

namespace vramcalc {

using nlohmann::json;

namespace {

// Sizes with units everywhere; below 1 MiB (per-token KV) in KiB so it does not read "0 MiB".
std::string size_text(Bytes b) {
    if (b > 0 && static_cast<double>(b) < kMiB) return format_fixed(static_cast<double>(b) / kKiB, 1) + " KiB";
    return format_size(b, SizeUnit::GiB, 1);
}

std::string signed_size_text(std::int64_t b) { return (b > 0 ? "+" : "") + format_signed_size(b, SizeUnit::GiB); }

struct Names {
    std::string model, weights, kv, gpu;
    Bytes gpu_memory_bytes = 0;
};

// Display names through the same resolve() the estimate used; ids when a part does not resolve.
Names names_of(const Scenario& s) {
    Names n{s.model, s.weights, s.kv_dtype, s.gpu_memory_gib > 0 ? "custom GPU" : s.gpu, 0};
    std::string error;
    if (auto r = resolve(s, error)) {
        n.model = r->model.name.empty() ? r->model.id : r->model.name;
        n.weights = r->weights.name;
        n.kv = r->kv.name;
        n.gpu = r->gpu.name;
        n.gpu_memory_bytes = r->gpu.memory_bytes;
        return n;
    }
    if (is_custom(s)) n.model = s.custom_name.empty() ? "custom model" : s.custom_name;
    else if (const ModelInfo* m = find_model(s.model)) n.model = m->name;
    if (auto f = find_weight_format(s.weights)) n.weights = f->name;
    if (auto f = find_kv_format(s.kv_dtype)) n.kv = f->name;
    if (s.gpu_memory_gib <= 0)
        if (const Gpu* g = find_gpu(s.gpu)) n.gpu = g->name;
    return n;
}

std::string layout_text(const Scenario& s) {
    std::string t = std::to_string(s.gpus) + " GPU" + (s.gpus == 1 ? "" : "s");
    if (s.nodes > 1) t += " on " + std::to_string(s.nodes) + " nodes";
    const ParallelLayout l = layout_of(s);  // auto TP/PP as the engine will run them
    if (l.tp > 1 || l.pp > 1 || l.replicas > 1) t += " (" + layout_text(l) + ")";
    return t;
}

std::string verdict_text(const Estimate& e) {
    const FitLevel level = fit_level(e);
    const double share = e.gpu_memory_bytes > 0 ? 100.0 * static_cast<double>(e.headroom_bytes) /
                                                      static_cast<double>(e.gpu_memory_bytes)
                                                : 0.0;
    switch (level) {
        case FitLevel::Fits:
            return "**Fits**: " + format_signed_size(e.headroom_bytes) + " to spare per GPU (" + format_fixed(share, 0) + "%).";
        case FitLevel::Tight:
            return "**Fits, tight**: only " + format_signed_size(e.headroom_bytes) + " to spare per GPU (" +
                   format_fixed(share, 0) + "%, under " + format_fixed(kTightHeadroomFraction * 100, 0) + "%).";
        case FitLevel::NoFit:
            return "**Does not fit**: " + format_signed_size(e.headroom_bytes < 0 ? -e.headroom_bytes : e.headroom_bytes) +
                   (e.headroom_bytes < 0 ? " short per GPU." : " headroom, but the engine refuses (see warnings).");
        case FitLevel::Error:
            return "**Error**: " + markdown_cell(e.error);
    }
    return "";
}

const char* level_mark(FitLevel level) {
    switch (level) {
        case FitLevel::Fits: return "\xF0\x9F\x9F\xA2";   // green circle
        case FitLevel::Tight: return "\xF0\x9F\x9F\xA1";  // yellow circle
        case FitLevel::NoFit: return "\xF0\x9F\x94\xB4";  // red circle
        case FitLevel::Error: return "\xE2\x9A\xAA";      // white circle
    }
    return "";
}

// One CSV line from its fields.
std::string csv_line(std::initializer_list<std::string_view> fields) {
    std::string line;
    bool first = true;
    for (std::string_view f : fields) {
        if (!first) line += ',';
        line += csv_field(f);
        first = false;
    }
    return line + "\r\n";  // RFC 4180 line ending
}

std::string raw(Bytes b) { return std::to_string(b); }

std::string matrix_model_label(const FitMatrix& m, const std::string& id) {
    if (id == "custom" && is_custom(m.base)) return m.base.custom_name.empty() ? "custom model" : m.base.custom_name;
    return id;
}

// "-536870912", "+61.0 GiB", "-512 MiB": a signed number with an optional unit word, which a
// spreadsheet reads as text or a number, never as a formula.
bool signed_number(std::string_view t) {
    std::size_t i = 1;
    const std::size_t digits_start = i;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
    if (i == digits_start) return false;
    if (i == t.size()) return true;
    if (t[i] != ' ' || i + 1 == t.size()) return false;
    for (++i; i < t.size(); ++i)
        if (!std::isalpha(static_cast<unsigned char>(t[i]))) return false;
    return true;
}

}  // namespace

std::string csv_field(std::string_view text) {
    std::string t(text);
    if (!t.empty()) {
        const char c = t[0];
        if (c == '=' || c == '@' || c == '\t' || c == '\r' || ((c == '+' || c == '-') && !signed_number(t))) t.insert(0, "'");
    }
    if (t.find_first_of(",\"\r\n") == std::string::npos) return t;
    std::string out = "\"";
    for (char c : t) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string markdown_cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '|': out += "\\|"; break;
            case '\\': out += "\\\\"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\r': break;
            case '\n': out += ' '; break;
            default: out += c;
        }
    }
    return out;
}

// ---- one result ------------------------------------------------------------------------------------

std::string result_markdown(const Scenario& s, const Estimate& e) {
    const Names n = names_of(s);
    std::string md = "## VRAM estimate: " + markdown_cell(n.model) + ", " + markdown_cell(n.weights) + " on " +
                     std::to_string(s.gpus) + " x " + markdown_cell(n.gpu) + "\n\n";
    md += verdict_text(e) + "\n\n";
    if (e.ok) {
        const Bytes gpus_used = e.gpus.empty() ? static_cast<Bytes>(s.gpus) : static_cast<Bytes>(e.gpus.size());
        md += "| | per GPU | all GPUs | how (per GPU) |\n| --- | ---: | ---: | --- |\n";
        auto row = [&](const char* label, const Figure& per, const Figure& all) {
            md += std::string("| ") + label + " | " + size_text(per.bytes) + " | " + size_text(all.bytes) + " | " +
                  markdown_cell(per.how) + " |\n";
        };
        row("Weights", e.per_gpu.weights, e.total.weights);
        row("KV cache", e.per_gpu.kv_cache, e.total.kv_cache);
        row("Activations", e.per_gpu.activation, e.total.activation);
        row("Overhead", e.per_gpu.overhead, e.total.overhead);
        md += "| **Total** | **" + size_text(e.per_gpu.total_bytes) + "** | **" + size_text(e.total.total_bytes) + "** | |\n";
        md += "| GPU memory | " + size_text(e.gpu_memory_bytes) + " | " + size_text(e.gpu_memory_bytes * gpus_used) + " | |\n";
        md += "| Headroom | " + signed_size_text(e.headroom_bytes) + " | | most loaded GPU |\n\n";

        md += "- Engine: " + (e.engine_version.empty() ? std::string(engine_name(s.engine)) : markdown_cell(e.engine_version)) +
              ", " + layout_text(s) + "\n";
        md += "- Workload: context " + format_tokens(s.context) + " tokens, batch " + std::to_string(s.batch) +
              ", KV cache " + markdown_cell(n.kv) + "\n";
        md += "- Parameters: " + format_params(e.params);
        if (e.active_params > 0 && e.active_params < e.params) md += " (" + format_params(e.active_params) + " active)";
        md += "\n";
        if (e.kv_bytes_per_token > 0) md += "- KV cache per token (all layers): " + size_text(e.kv_bytes_per_token) + "\n";
        if (e.startup_peak.bytes > 0)
            md += "- Start-up peak per GPU: " + size_text(e.startup_peak.bytes) +
                  (e.startup_peak.how.empty() ? "" : " (" + markdown_cell(e.startup_peak.how) + ")") + "\n";
        if (e.kv_cache_tokens) md += "- KV cache capacity: " + format_tokens(*e.kv_cache_tokens) + " tokens\n";
        if (e.max_concurrency && std::isfinite(*e.max_concurrency))
            md += "- Max concurrency at full context: " + format_fixed(*e.max_concurrency, 2) + " sequences\n";
        if (e.model_buffer) md += "- llama.cpp model buffer: " + size_text(e.model_buffer->bytes) + "\n";
        if (e.kv_buffer) md += "- llama.cpp KV buffer: " + size_text(e.kv_buffer->bytes) + "\n";
        if (e.compute_buffer) md += "- llama.cpp compute buffer: " + size_text(e.compute_buffer->bytes) + "\n";
        if (e.cpu.bytes > 0) md += "- Host RAM for offloaded parts: " + size_text(e.cpu.bytes) + "\n";
        if (e.rule_of_thumb.bytes > 0)
            md += "- Rule of thumb (params x bytes x 1.2), for comparison: " + size_text(e.rule_of_thumb.bytes) + "\n";
        for (const std::string& w : e.warnings) md += "- Warning: " + markdown_cell(w) + "\n";
    }
    md += "- Share link: `#" + encode_share_fragment(s) + "`\n";
    return md;
}

std::string result_csv(const Scenario& s, const Estimate& e) {
    const Names n = names_of(s);
    std::string csv = csv_line({"section", "item", "value", "raw", "how"});
    auto text = [&](std::string_view section, std::string_view item, std::string_view value) {
        csv += csv_line({section, item, value, "", ""});
    };
    auto count = [&](std::string_view section, std::string_view item, std::int64_t x, std::string_view unit) {
        csv += csv_line({section, item, std::to_string(x) + std::string(unit), std::to_string(x), ""});
    };
    auto size = [&](std::string_view section, std::string_view item, const Figure& f) {
        csv += csv_line({section, item, size_text(f.bytes), raw(f.bytes), f.how});
    };
    text("scenario", "model", is_custom(s) ? "custom" : s.model);
    text("scenario", "model_name", n.model);
    text("scenario", "weights", s.weights);
    text("scenario", "kv_dtype", s.kv_dtype);
    text("scenario", "engine", s.engine);
    text("scenario", "gpu", s.gpu_memory_gib > 0 ? "custom" : s.gpu);
    text("scenario", "gpu_name", n.gpu);
    count("scenario", "gpus", s.gpus, "");
    count("scenario", "nodes", s.nodes, "");
    const ParallelLayout layout = layout_of(s);
    count("scenario", "tp", layout.tp, "");
    count("scenario", "pp", layout.pp, "");
    count("scenario", "context", s.context, " tokens");
    count("scenario", "batch", s.batch, " sequences");
    if (!e.ok) {
        text("result", "error", e.error);
    } else {
        const FitLevel level = fit_level(e);
        text("result", "fits", e.fits ? "yes" : "no");
        text("result", "fit_level", fit_level_id(level));
        csv += csv_line({"result", "headroom_per_gpu", signed_size_text(e.headroom_bytes), std::to_string(e.headroom_bytes), ""});
        size("result", "gpu_memory", {e.gpu_memory_bytes, ""});
        size("result", "startup_peak_per_gpu", e.startup_peak);
        csv += csv_line({"result", "params", format_params(e.params), format_fixed(e.params, 0), ""});
        csv += csv_line({"result", "active_params", format_params(e.active_params), format_fixed(e.active_params, 0), ""});
        size("result", "kv_cache_per_token", {e.kv_bytes_per_token, "all layers, unsharded"});
        if (e.kv_cache_tokens) count("result", "kv_cache_tokens", *e.kv_cache_tokens, " tokens");
        if (e.max_concurrency && std::isfinite(*e.max_concurrency))
            csv += csv_line({"result", "max_concurrency", format_fixed(*e.max_concurrency, 2) + " sequences",
                             format_fixed(*e.max_concurrency, 4), ""});
        if (e.model_buffer) size("result", "llamacpp_model_buffer", *e.model_buffer);
        if (e.kv_buffer) size("result", "llamacpp_kv_buffer", *e.kv_buffer);
        if (e.compute_buffer) size("result", "llamacpp_compute_buffer", *e.compute_buffer);
        size("result", "host_ram", e.cpu);
        size("result", "rule_of_thumb", e.rule_of_thumb);
        for (const auto& [section, load] : {std::pair<const char*, const GpuLoad*>{"per_gpu", &e.per_gpu},
                                            std::pair<const char*, const GpuLoad*>{"all_gpus", &e.total}}) {
            size(section, "weights", load->weights);
            size(section, "kv_cache", load->kv_cache);
            size(section, "activation", load->activation);
            size(section, "overhead", load->overhead);
            size(section, "total", {load->total_bytes, load->role});
        }
        for (std::size_t i = 0; i < e.gpus.size(); ++i)
            size("gpu_" + std::to_string(i), "total", {e.gpus[i].total_bytes, e.gpus[i].role});
        for (std::size_t i = 0; i < e.warnings.size(); ++i) text("warning", std::to_string(i + 1), e.warnings[i]);
    }
    text("link", "fragment", "#" + encode_share_fragment(s));
    return csv;
}

json result_json(const Scenario& s, const Estimate& e, bool explain) {
    json j = estimate_to_json(e, explain);
    if (e.ok) j["fit_level"] = fit_level_id(fit_level(e));
    j["scenario"] = scenario_to_json(s);
    j["link"] = "#" + encode_share_fragment(s);
    return j;
}

// ---- the fit matrix ---------------------------------------------------------------------------------

std::string fit_matrix_markdown(const FitMatrix& m) {
    const Scenario& b = m.base;
    Bytes gpu_memory = 0;
    for (const auto& row : m.cells)
        for (const FitCell& c : row)
            if (c.level != FitLevel::Error && gpu_memory == 0) gpu_memory = c.gpu_memory_bytes;
    std::string gpu_name = b.gpu_memory_gib > 0 ? std::string("custom GPU") : b.gpu;
    if (b.gpu_memory_gib <= 0)
        if (const Gpu* g = find_gpu(b.gpu)) gpu_name = g->name;

    std::string md = "### Fit matrix: " + std::string(engine_name(b.engine)) + " on " + std::to_string(b.gpus) + " x " +
                     markdown_cell(gpu_name);
    if (gpu_memory > 0) md += " (" + size_text(gpu_memory) + " each)";
    md += ", context " + format_tokens(b.context) + " tokens, batch " + std::to_string(b.batch) + "\n\n";
    md += "GPU memory each model and weight format needs per GPU (the most loaded one): memory minus headroom, "
          "so for vLLM and SGLang it includes the share their memory fraction leaves free.\n\n";

    bool any_license = false;
    for (const std::string& id : m.rows)
        if (const ModelInfo* info = find_model(id); info && !info->license.empty()) any_license = true;

    md += "| Model | Params |";
    std::string rule = "| --- | ---: |";
    for (const std::string& f : m.cols) {
        auto wf = find_weight_format(f);
        md += " " + markdown_cell(wf ? wf->name : f) + " |";
        rule += " ---: |";
    }
    if (any_license) {
        md += " Licence |";
        rule += " --- |";
    }
    md += "\n" + rule + "\n";

    std::vector<std::string> notes;  // distinct errors, numbered in order of appearance
    std::map<std::string, std::size_t> note_index;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const auto& row = r < m.cells.size() ? m.cells[r] : std::vector<FitCell>{};
        double params = 0;
        for (const FitCell& c : row)
            if (c.params > 0) params = c.params;
        md += "| **" + markdown_cell(matrix_model_label(m, m.rows[r])) + "** | " + format_params(params) + " |";
        for (std::size_t c = 0; c < m.cols.size(); ++c) {
            if (c >= row.size()) {
                md += " |";
                continue;
            }
            const FitCell& cell = row[c];
            if (cell.level == FitLevel::Error) {
                auto [it, added] = note_index.emplace(cell.error, notes.size() + 1);
                if (added) notes.push_back(cell.error);
                md += std::string(" ") + level_mark(cell.level) + " n/a (" + std::to_string(it->second) + ") |";
            } else {
                md += std::string(" ") + level_mark(cell.level) + " " + size_text(cell.required_bytes) + " |";
            }
        }
        if (any_license) {
            const ModelInfo* info = find_model(m.rows[r]);
            md += " " + markdown_cell(info ? info->license : "") + " |";
        }
        md += "\n";
    }
    md += "\n" + std::string(level_mark(FitLevel::Fits)) + " fits, " + level_mark(FitLevel::Tight) + " fits with less than " +
          format_fixed(kTightHeadroomFraction * 100, 0) + "% of GPU memory to spare, " + level_mark(FitLevel::NoFit) +
          " does not fit, " + level_mark(FitLevel::Error) + " not possible (see notes)\n";
    if (!notes.empty()) {
        md += "\nNotes:\n";
        for (std::size_t i = 0; i < notes.size(); ++i)
            md += "(" + std::to_string(i + 1) + ") " + markdown_cell(notes[i]) + "\n";
    }
    return md;
}

std::string fit_matrix_csv(const FitMatrix& m) {
    std::string csv = csv_line({"model", "format", "fit", "required", "required_bytes", "per_gpu_total",
                                "per_gpu_total_bytes", "headroom", "headroom_bytes", "gpu_memory_bytes", "error"});
    for (std::size_t r = 0; r < m.rows.size() && r < m.cells.size(); ++r) {
        const std::string model = matrix_model_label(m, m.rows[r]);
        for (std::size_t c = 0; c < m.cols.size() && c < m.cells[r].size(); ++c) {
            const FitCell& cell = m.cells[r][c];
            if (cell.level == FitLevel::Error) {
                csv += csv_line({model, m.cols[c], fit_level_id(cell.level), "", "", "", "", "", "", "", cell.error});
            } else {
                csv += csv_line({model, m.cols[c], fit_level_id(cell.level), size_text(cell.required_bytes),
                                 raw(cell.required_bytes), size_text(cell.per_gpu_total_bytes),
                                 raw(cell.per_gpu_total_bytes), signed_size_text(cell.headroom_bytes),
                                 std::to_string(cell.headroom_bytes), raw(cell.gpu_memory_bytes), ""});
            }
        }
    }
    return csv;
}

json fit_matrix_json(const FitMatrix& m) {
    json j;
    j["scenario"] = scenario_to_json(m.base);
    j["models"] = m.rows;
    j["formats"] = m.cols;
    j["cells"] = json::array();
    for (const auto& row : m.cells) {
        json jr = json::array();
        for (const FitCell& c : row) {
            json jc = {{"fit", fit_level_id(c.level)}, {"fits", c.fits}};
            if (c.level == FitLevel::Error) {
                jc["error"] = c.error;
            } else {
                jc["headroom_bytes"] = c.headroom_bytes;
                jc["required_bytes"] = c.required_bytes;
                jc["needed_bytes"] = c.needed_bytes;
                jc["per_gpu_total_bytes"] = c.per_gpu_total_bytes;
                jc["gpu_memory_bytes"] = c.gpu_memory_bytes;
            }
            jr.push_back(std::move(jc));
        }
        j["cells"].push_back(std::move(jr));
    }
    return j;
}

}  // namespace vramcalc
