// What a header parser says about a prefix of a file: parsed, needs a longer prefix, or refused.
// Shared by the GGUF and safetensors readers, which take bytes the caller read (core does no I/O).
#pragma once
#include <cstdint>
#include <string>

namespace vramcalc {

enum class ParseStatus { Ok, NeedMore, Error };

// Longer headers are refused as implausible (the largest GGUF vocabularies take a few MB).
inline constexpr std::uint64_t kMaxHeaderBytes = 512ull << 20;

// A file whose size nobody told us (a server that hid Content-Range): no end-of-file checks.
inline constexpr std::uint64_t kUnknownFileSize = UINT64_MAX;

struct ParseOutcome {
    ParseStatus status = ParseStatus::Error;
    std::string error;               // when Error: what is wrong, and where in the file
    std::uint64_t bytes_needed = 0;  // when NeedMore: read at least this long a prefix, then parse again
};

// The prefix length a caller should read next: at least what the parser asked for, at least double
// what it had (so a multi-MB vocabulary takes a few rounds, not thousands), at most the file.
inline std::uint64_t next_read_size(std::uint64_t needed, std::uint64_t had, std::uint64_t file_size) {
    std::uint64_t want = needed > 2 * had ? needed : 2 * had;
    return want < file_size ? want : file_size;
}

}  // namespace vramcalc
