# Reference numbers from COINr for the conformance tests of yrdhub.indicators (tests/indicators/reference/).
#
# Usage: Rscript scripts/coinr_reference.R OUT_DIR   (scripts/coinr_reference.sh sets everything up)
#
# Needs COINr 1.1.14 (installed from its source repository with R CMD INSTALL). Every input is COINr's own
# ASEM example (build_example_coin) or a small matrix written here, so the files depend on COINr alone.
# Numbers are written with 17 significant digits; NA is an empty field; "error" marks a call COINr refuses.

suppressPackageStartupMessages(library(COINr))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript coinr_reference.R OUT_DIR")
out_dir <- args[[1]]
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
if (as.character(utils::packageVersion("COINr")) != "1.1.14") {
  stop("COINr 1.1.14 is required, found ", as.character(utils::packageVersion("COINr")))
}

num2str <- function(v) {
  # exact: write.csv would round to 15 significant digits; 17 always round-trip, 15 when they suffice
  short <- sprintf("%.15g", v)
  exact <- !is.na(v) & suppressWarnings(as.numeric(short)) == v
  ifelse(is.na(v), "", ifelse(exact, short, sprintf("%.17g", v)))
}
fmt <- function(df) {
  for (col in names(df)) {
    if (is.numeric(df[[col]])) df[[col]] <- num2str(df[[col]])
  }
  df
}
put <- function(df, name) {
  utils::write.csv(fmt(df), file.path(out_dir, name), row.names = FALSE, na = "")
  message("wrote ", name, " (", nrow(df), " rows)")
}

coin <- build_example_coin(up_to = "Normalise", quietly = TRUE)
agg_codes <- coin$Meta$Ind$iCode[coin$Meta$Ind$Level > 1 & !is.na(coin$Meta$Ind$Level)]

# 1. Generalised mean ------------------------------------------------------------------------------------
# a) on the ASEM example: min-max [0, 100] has zeros (fine for p > 0); p < 0 needs [1, 100]
coin_1_100 <- Normalise(coin, dset = "Treated", write_to = "Normalised_1_100",
                        global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100))))
coin_z <- Normalise(coin, dset = "Treated", write_to = "Normalised_z",
                    global_specs = list(f_n = "n_zscore", f_n_para = list(m_sd = c(0, 1))))
genmean_cases <- list(
  list(name = "minmax0_100_p2", coin = coin, dset = "Normalised", p = 2),
  list(name = "minmax0_100_p0.5", coin = coin, dset = "Normalised", p = 0.5),
  list(name = "minmax1_100_p-2.5", coin = coin_1_100, dset = "Normalised_1_100", p = -2.5),
  list(name = "zscore_p2", coin = coin_z, dset = "Normalised_z", p = 2)
)
rows <- list()
for (case in genmean_cases) {
  agg <- Aggregate(case$coin, dset = case$dset, f_ag = "a_genmean", f_ag_para = list(p = case$p), out2 = "df")
  rows[[case$name]] <- data.frame(case = case$name, agg[c("uCode", agg_codes)], check.names = FALSE)
}
put(do.call(rbind, rows), "genmean_asem.csv")

# b) a_genmean itself on small rows: zeros, negatives and missing values, for positive, zero and negative p
small <- rbind(c(1, 2, 4, 8), c(0, 2, 4, 8), c(-1, 2, 4, 8), c(-3, -2, 1, 1), c(NA, 2, 4, 8), c(0, 0, 0, 0))
w_small <- c(1, 2, 1, 0.5)
rows <- list()
for (p in c(3, 2, 1, 0.5, 0, -1, -2.5)) {
  for (i in seq_len(nrow(small))) {
    val <- tryCatch(a_genmean(small[i, ], w = w_small, p = p), error = function(e) "error")
    rows[[length(rows) + 1]] <- data.frame(
      row = i, p = p, x1 = small[i, 1], x2 = small[i, 2], x3 = small[i, 3], x4 = small[i, 4],
      value = if (identical(val, "error")) NA_real_ else as.numeric(val),
      status = if (identical(val, "error")) "error" else "ok"
    )
  }
}
put(do.call(rbind, rows), "genmean_small.csv")
put(data.frame(child = paste0("x", 1:4), weight = w_small), "genmean_small_weights.csv")

# 2. log_CT_plus -------------------------------------------------------------------------------------------
# a) Treat() of the example's screened data with log_CT_plus as the fallback. With the default winmax = 5
#    winsorisation always suffices on ASEM; winmax = 1 and 2 reach the fallback for several indicators, all
#    skewed to the right; "mirrored" treats the negated data (winmax = 1), whose skews are all turned round
screened <- coin$Data$Screened
mirrored <- screened
num <- vapply(mirrored, is.numeric, logical(1))
mirrored[num] <- -mirrored[num]
treat_cases <- list(
  list(name = "winmax1", data = screened, winmax = 1),
  list(name = "winmax2", data = screened, winmax = 2),
  list(name = "mirrored_winmax1", data = mirrored, winmax = 1)
)
for (case in treat_cases) {
  tr <- Treat(case$data, global_specs = list(f1_para = list(winmax = case$winmax), f2 = "log_CT_plus"))
  dets <- tr$Dets_Table
  put(dets, sprintf("treat_log_CT_plus_%s_details.csv", case$name))
  fell_back <- dets$iCode[!is.na(dets[["check_SkewKurt2.Pass"]])]
  put(tr$x_treat[c("uCode", fell_back)], sprintf("treat_log_CT_plus_%s_Treated.csv", case$name))
  put(data.frame(uCode = tr$x_treat$uCode, tr$Treated_Points[fell_back], check.names = FALSE),
      sprintf("treat_log_CT_plus_%s_points.csv", case$name))
}
# b) the function on its own: a positively and a negatively skewed vector (with a missing value)
vecs <- list(pos = c(1, 2, 2, 3, 4, 6, 9, 15, 40, NA), neg = c(40, 38, 38, 37, 36, 34, 31, 25, 1, NA))
rows <- list()
for (nm in names(vecs)) {
  r <- log_CT_plus(vecs[[nm]])
  rows[[nm]] <- data.frame(vector = nm, i = seq_along(vecs[[nm]]), x = vecs[[nm]], value = r$x, treated = r$treated)
}
put(do.call(rbind, rows), "log_CT_plus_small.csv")

# 3. PCA weights ---------------------------------------------------------------------------------------------
# get_PCA's weights: the first principal component's loadings of each group (by_groups = TRUE)
coin_agg <- Aggregate(coin, dset = "Normalised")
pca_cases <- list(
  list(name = "Normalised_L1", coin = coin_agg, dset = "Normalised", level = 1),
  list(name = "Raw_L1", coin = coin_agg, dset = "Raw", level = 1),  # missing values: complete rows only
  list(name = "Aggregated_L2", coin = coin_agg, dset = "Aggregated", level = 2),
  list(name = "Aggregated_L3", coin = coin_agg, dset = "Aggregated", level = 3)
)
rows <- list()
for (case in pca_cases) {
  res <- suppressWarnings(get_PCA(case$coin, dset = case$dset, Level = case$level, by_groups = TRUE,
                                  nowarnings = TRUE, out2 = "list"))
  w <- res$Weights
  lev <- coin$Meta$Ind$Level[match(w$iCode, coin$Meta$Ind$iCode)]
  rows[[case$name]] <- data.frame(case = case$name, iCode = w$iCode, Level = lev, Weight = w$Weight)
}
put(do.call(rbind, rows), "pca_weights.csv")
# the example aggregated with the level-1 PCA weights of the normalised data (arithmetic mean)
coin_pca <- get_PCA(coin_agg, dset = "Normalised", Level = 1, by_groups = TRUE, nowarnings = TRUE,
                    weights_to = "PCA_L1", out2 = "coin")
agg_pca <- Aggregate(coin_pca, dset = "Normalised", w = "PCA_L1", out2 = "df")
put(agg_pca[c("uCode", agg_codes)], "pca_weights_Aggregated_L1.csv")

# 4. Copeland ---------------------------------------------------------------------------------------------
# Aggregate(f_ag = "a_copeland", by_df = TRUE) stops in COINr 1.1.14 (it passes `x`, a_copeland takes `X`),
# so a_copeland is called on each level-2 group directly, with the iMeta weights.
copeland_groups <- function(data) {
  imeta <- coin$Meta$Ind[coin$Meta$Ind$Level == 1 & !is.na(coin$Meta$Ind$Level), ]
  out <- data.frame(uCode = data$uCode)
  for (parent in unique(imeta$Parent)) {
    codes <- imeta$iCode[imeta$Parent == parent]
    out[[parent]] <- a_copeland(data[codes], w = imeta$Weight[imeta$Parent == parent])
  }
  out
}
# a) complete data (the example's normalised set)
put(copeland_groups(coin$Data$Normalised), "copeland_complete.csv")
# b) with missing values: min-max of the denominated data (not imputed). COINr's outranking matrix gives a
#    comparison with a missing value to the unit further down the table, so the units are also run in
#    reverse order
with_na <- Normalise(coin, dset = "Denominated", out2 = "df")
rev_na <- with_na[rev(seq_len(nrow(with_na))), ]
fwd <- copeland_groups(with_na)
bwd <- copeland_groups(rev_na)
put(rbind(data.frame(order = "forward", fwd, check.names = FALSE),
          data.frame(order = "reverse", bwd[match(fwd$uCode, bwd$uCode), ], check.names = FALSE)),
    "copeland_missing.csv")
# the outranking matrices of one group with missing values (units 30 to 51 of the table, three of them with
# a missing value), in both orders; rows and columns by uCode, one block per order
imeta <- coin$Meta$Ind[coin$Meta$Ind$Level == 1 & !is.na(coin$Meta$Ind$Level), ]
group <- "Instit"
codes <- imeta$iCode[imeta$Parent == group]
w <- imeta$Weight[imeta$Parent == group]
part <- with_na[30:51, c("uCode", codes)]
part_rev <- part[rev(seq_len(nrow(part))), ]
orm_f <- outrankMatrix(part[codes], w = w)$OutRankMatrix
orm_b <- outrankMatrix(part_rev[codes], w = w)$OutRankMatrix
dimnames(orm_f) <- list(part$uCode, part$uCode)
dimnames(orm_b) <- list(part_rev$uCode, part_rev$uCode)
orm_b <- orm_b[part$uCode, part$uCode]
wide <- function(m, order) data.frame(order = order, u = rownames(m), m, check.names = FALSE)
put(rbind(wide(orm_f, "forward"), wide(orm_b, "reverse")), "copeland_outranking_Instit.csv")
put(data.frame(part, check.names = FALSE), "copeland_outranking_Instit_data.csv")
put(data.frame(iCode = codes, Weight = w), "copeland_outranking_Instit_weights.csv")
