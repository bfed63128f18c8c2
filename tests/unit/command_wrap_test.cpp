// The command box on a phone (web/command_wrap.h): comment lines wrapped to the box, commands kept.
#include <doctest/doctest.h>

#include <string>

#include "web/command_wrap.h"

using vramcalc::web::wrap_comment_lines;

TEST_CASE("a narrow command box wraps the command's comment lines at spaces, each piece a comment") {
    const std::string cmd =
        "# weights: the AWQ int4 (g128) checkpoint of meta-llama/Llama-3.1-70B-Instruct\n"
        "# (its quantization_config selects the kernel)\n"
        "vllm serve meta-llama/Llama-3.1-70B-Instruct \\\n"
        "  --tensor-parallel-size 2";
    // 40 columns: "# weights: the AWQ int4 (g128)" is 30 characters and " checkpoint" would make 41.
    CHECK(wrap_comment_lines(cmd, 40) ==
          "# weights: the AWQ int4 (g128)\n"
          "# checkpoint of\n"
          "# meta-llama/Llama-3.1-70B-Instruct\n"
          "# (its quantization_config selects the\n"
          "# kernel)\n"
          "vllm serve meta-llama/Llama-3.1-70B-Instruct \\\n"  // longer than 40, but a command: kept
          "  --tensor-parallel-size 2");
    // Wide enough (the longest comment is 79 characters): unchanged.
    CHECK(wrap_comment_lines(cmd, 79) == cmd);
    CHECK(wrap_comment_lines(cmd, 200) == cmd);
}

TEST_CASE("wrapping keeps a word longer than the line whole, and leaves degenerate widths alone") {
    CHECK(wrap_comment_lines("# of unsloth/DeepSeek-V3.1-Terminus-GGUF", 16) == "# of\n# unsloth/DeepSeek-V3.1-Terminus-GGUF");
    CHECK(wrap_comment_lines("# a b c d e f g h i j k l m n o p", 5) == "# a b c d e f g h i j k l m n o p");  // too narrow
    CHECK(wrap_comment_lines("", 40).empty());
    CHECK(wrap_comment_lines("llama-server -m x.gguf\n", 40) == "llama-server -m x.gguf\n");  // a trailing newline stays
    CHECK(wrap_comment_lines("#    spaced     words here", 12) == "# spaced\n# words here");
}
