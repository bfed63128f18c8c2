#include "web/command_wrap.h"

#include <algorithm>
#include <string_view>

namespace vramcalc::web {

namespace {

// One comment line ("# " + text) as lines of at most `columns` characters, broken at spaces; a word
// longer than a line (a long Hugging Face id) gets a line of its own and is not cut.
std::string wrap_comment(std::string_view line, std::size_t columns) {
    std::string_view text = line.substr(1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    std::string out, current = "#";
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        if (word.empty()) continue;
        if (current.size() > 1 && current.size() + 1 + word.size() > columns) {
            out += current + "\n";
            current = "#";
        }
        current += " ";
        current += word;
    }
    return out + current;
}

}  // namespace

std::string wrap_comment_lines(const std::string& command, std::size_t columns) {
    if (columns < 12) return command;
    std::string out;
    std::size_t start = 0;
    while (start <= command.size()) {
        const std::size_t end = std::min(command.find('\n', start), command.size());
        const std::string_view line(command.data() + start, end - start);
        out += line.size() > columns && !line.empty() && line.front() == '#' ? wrap_comment(line, columns) : std::string(line);
        if (end == command.size()) break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

}  // namespace vramcalc::web
