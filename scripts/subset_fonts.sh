#!/usr/bin/env bash
# Regenerates the two fonts the page embeds (web/fonts/*.ttf) from Debian's packages: Roboto
# (fonts-roboto-unhinted, Apache-2.0) for prose and labels, DejaVu Sans Mono (fonts-dejavu-core,
# Bitstream Vera licence) for numbers and commands. Each is cut down to the characters the page can
# show (ASCII, Latin-1 and a few typographic marks), without hinting or layout tables: ImGui 1.86's
# stb_truetype reads neither. About 15 and 20 KB instead of 300 and 340 KB.
#   apt-get install fonts-roboto-unhinted fonts-dejavu-core python3-fonttools && scripts/subset_fonts.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chars="U+0020-007E,U+00A0-00FF,U+2013,U+2014,U+2019,U+201C,U+201D,U+2022,U+2026,U+2190-2193,U+2212,U+2248,U+2264,U+2265"
subset() {
    /usr/bin/python3 -m fontTools.subset "$1" --unicodes="$chars" --no-hinting --layout-features='' \
        --desubroutinize --name-IDs='0,1,2,13,14' --drop-tables+=DSIG,GPOS,GSUB,GDEF,kern,FFTM --output-file="$2"
}
subset /usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf "$root/web/fonts/Roboto-Regular-subset.ttf"
subset /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf "$root/web/fonts/DejaVuSansMono-subset.ttf"
ls -l "$root"/web/fonts/*.ttf
