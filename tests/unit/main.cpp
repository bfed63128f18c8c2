// The doctest main of the one test binary (tests/unit/*_test.cpp and tests/validation/*.cpp).
// The same binary runs natively and, compiled to wasm, under Node.js; scripts/test.sh compares the
// "[doctest] test cases: N" summary lines of both runs.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

int main(int argc, char** argv) {
    doctest::Context context;
#ifdef __EMSCRIPTEN__
    // WEB: under Node doctest cannot tell whether stdout is a terminal and would always print colour
    // codes into CTest's log; --force-colors on the command line still turns them on.
    context.setOption("no-colors", true);
#endif
    context.applyCommandLine(argc, argv);
    return context.run();
}
