#!/bin/sh
# Regenerates the COINr reference files of the indicators tests (tests/indicators/reference/) with
# scripts/coinr_reference.R. Needs R and COINr 1.1.14:
#   apt-get install r-base-core r-cran-openxlsx r-cran-rlang r-cran-ggplot2 r-cran-readxl
#   git clone <the bluefoxr/COINr repository> coinr && git -C coinr checkout v1.1.14
#   mkdir -p ~/R/coinr && R CMD INSTALL --library="$HOME/R/coinr" coinr
#   R_LIBS="$HOME/R/coinr" scripts/coinr_reference.sh
# The tests read the files in place; rerun this after changing coinr_reference.R and commit the result.
set -eu
cd "$(dirname "$0")/.."
out=tests/indicators/reference
mkdir -p "$out"
Rscript scripts/coinr_reference.R "$out"
