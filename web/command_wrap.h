// The ready command as the page shows it in a narrow box: its "# ..." comment lines wrapped at word
// boundaries to the box's width, each piece a comment again. The command lines stay as they are (a
// shell reads them), and Copy takes the command itself. No ImGui: tested natively.
#pragma once
#include <cstddef>
#include <string>

namespace vramcalc::web {

// `command` with every comment line longer than `columns` characters wrapped; unchanged when none is
// (or when columns is too small to hold "# " and a word's start).
std::string wrap_comment_lines(const std::string& command, std::size_t columns);

}  // namespace vramcalc::web
