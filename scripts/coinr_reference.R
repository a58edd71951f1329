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

# ===== Part 2 of issue 22: the functions yrdhub adds ============================================================
# every function COINr exports: docs/indicators.md maps each to yrdhub's (checked by tests/indicators/test_docs.py)
put(data.frame(name = sort(getNamespaceExports("COINr"), method = "radix")), "coinr_exports.csv")
full <- coin_agg  # the example built up to Aggregate
imeta_l1 <- full$Meta$Ind[full$Meta$Ind$Level == 1 & !is.na(full$Meta$Ind$Level), ]
codes_of <- function(parent) imeta_l1$iCode[imeta_l1$Parent == parent]
long_matrix <- function(m, ...) {
  data.frame(..., Var1 = rep(rownames(m), times = ncol(m)), Var2 = rep(colnames(m), each = nrow(m)),
             value = as.vector(m), check.names = FALSE)
}

# 5. get_pvals (cor.test of every pair) -----------------------------------------------------------------------
# the raw data (missing values, ties: TIRcon is 0/1), the normalised data, and small samples: n = 9 (Spearman's
# exact permutation distribution), n = 30 (Kendall's exact distribution, Spearman's Edgeworth series); one
# column entirely missing (NA p-values)
raw <- full$Data$Raw
norm <- full$Data$Normalised
small9 <- norm[1:9, codes_of("Social")]
small30 <- norm[1:30, codes_of("Physical")]
small30$Empty <- NA_real_
pv_cases <- list(raw_P2P = raw[codes_of("P2P")], raw_Instit = raw[codes_of("Instit")],
                 norm_Physical = norm[codes_of("Physical")], small9_Social = small9, small30_Physical = small30)
rows <- list()
for (nm in names(pv_cases)) {
  for (m in c("pearson", "spearman", "kendall")) {
    p <- suppressWarnings(get_pvals(pv_cases[[nm]], method = m))
    rows[[paste(nm, m)]] <- long_matrix(p, case = nm, method = m)
  }
}
put(do.call(rbind, rows), "pvals.csv")
put(data.frame(uCode = norm$uCode[1:30], small30, check.names = FALSE), "pvals_small30_data.csv")

# 6. get_corr_flags and get_denom_corr ----------------------------------------------------------------------
# COINr's raw and denominated data and unit metadata with all their digits: the ASEM CSVs of ../shared carry 15
# significant digits, which makes ties (TolMin) that rank correlations would count
put(full$Data$Raw, "coin_Raw.csv")
put(full$Data$Denominated, "coin_Denominated.csv")
put(full$Meta$Unit, "coin_uMeta.csv")
flag_cases <- list(
  list(name = "norm_high_0.75_L2", dset = "Normalised", cor_thresh = 0.75, thresh_type = "high",
       cortype = "pearson", grouplev = 2, roundto = 3, use_directions = FALSE),
  list(name = "norm_low_-0.1_L3", dset = "Normalised", cor_thresh = -0.1, thresh_type = "low",
       cortype = "pearson", grouplev = 3, roundto = 3, use_directions = FALSE),
  list(name = "raw_spearman_dirs_L2", dset = "Raw", cor_thresh = 0.6, thresh_type = "high",
       cortype = "spearman", grouplev = 2, roundto = NULL, use_directions = TRUE),
  list(name = "agg_kendall_L4", dset = "Aggregated", cor_thresh = 0.5, thresh_type = "high",
       cortype = "kendall", grouplev = 4, roundto = 2, use_directions = FALSE)
)
rows <- list()
for (case in flag_cases) {
  fl <- get_corr_flags(full, dset = case$dset, cor_thresh = case$cor_thresh, thresh_type = case$thresh_type,
                       cortype = case$cortype, grouplev = case$grouplev, roundto = case$roundto,
                       use_directions = case$use_directions)
  rows[[case$name]] <- data.frame(case = case$name, fl, check.names = FALSE)
}
put(do.call(rbind, rows), "corr_flags.csv")
denom_cases <- list(
  list(name = "raw_0.6", dset = "Raw", cor_thresh = 0.6, cortype = "pearson", nround = 2, use_directions = FALSE),
  list(name = "raw_spearman_0.5", dset = "Raw", cor_thresh = 0.5, cortype = "spearman", nround = NULL,
       use_directions = FALSE),
  # with use_directions COINr multiplies every numeric column of the merged table by its direction and stops at
  # the first that is not an indicator (Time, or a denominator): recorded as an error
  list(name = "raw_dirs", dset = "Raw", cor_thresh = 0.5, cortype = "pearson", nround = 2, use_directions = TRUE),
  list(name = "denominated_kendall_0.3", dset = "Denominated", cor_thresh = 0.3, cortype = "kendall", nround = 3,
       use_directions = FALSE)
)
rows <- list()
for (case in denom_cases) {
  dc <- tryCatch(get_denom_corr(full, dset = case$dset, cor_thresh = case$cor_thresh, cortype = case$cortype,
                                nround = case$nround, use_directions = case$use_directions),
                 error = function(e) data.frame(Ind = "error", Denom = conditionMessage(e), Corr = NA))
  rows[[case$name]] <- data.frame(case = case$name, dc, check.names = FALSE)
}
put(do.call(rbind, rows), "denom_corr.csv")

# 7. get_unit_summary ------------------------------------------------------------------------------------------
us_cases <- list(list(usel = "IND", Levels = c(4, 3, 2), nround = 2), list(usel = "AUT", Levels = c(4, 3, 2), nround = 2),
                 list(usel = "NZL", Levels = 1, nround = NULL), list(usel = "CHN", Levels = c(2, 4), nround = 1))
rows <- list()
for (case in us_cases) {
  us <- get_unit_summary(full, usel = case$usel, Levels = case$Levels, dset = "Aggregated", nround = case$nround)
  rows[[length(rows) + 1]] <- data.frame(usel = case$usel, levels = paste(case$Levels, collapse = " "),
                                         nround = if (is.null(case$nround)) NA else case$nround, us)
}
put(do.call(rbind, rows), "unit_summary.csv")
put(full$Data$Aggregated, "coin_nominal_Aggregated.csv")

# 8. compare_coins, compare_coins_multi, compare_coins_corr ---------------------------------------------------
# three coins: the example, z-scores (10, 2), and one with fewer units (screened before imputation at 95 %),
# min-max [1, 100] and geometric means. Their aggregated data sets are written too, so that the comparison
# functions can be checked on COINr's own numbers.
coin_z <- full
coin_z$Log$Normalise$global_specs <- list(f_n = "n_zscore", f_n_para = list(m_sd = c(10, 2)))
coin_z <- Regen(coin_z, quietly = TRUE)
coin_g <- full
coin_g$Log$Screen$dset <- "Denominated"
coin_g$Log$Screen$dat_thresh <- 0.95
coin_g$Log$Normalise$global_specs <- list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100)))
coin_g$Log$Aggregate$f_ag <- "a_gmean"
coin_g <- Regen(coin_g, quietly = TRUE)
put(coin_z$Data$Aggregated, "coin_zscore_Aggregated.csv")
put(coin_g$Data$Aggregated, "coin_gmean_Aggregated.csv")
cc_cases <- list(
  list(name = "z_Index_ranks", c2 = coin_z, iCode = "Index", compare_by = "ranks", sort_by = NULL, decreasing = FALSE),
  list(name = "z_Index_scores_absdiff", c2 = coin_z, iCode = "Index", compare_by = "scores", sort_by = "Abs.diff",
       decreasing = TRUE),
  list(name = "g_Conn_ranks_diff", c2 = coin_g, iCode = "Conn", compare_by = "ranks", sort_by = "Diff",
       decreasing = FALSE),
  list(name = "g_Instit_scores", c2 = coin_g, iCode = "Instit", compare_by = "scores", sort_by = "coin.2",
       decreasing = TRUE)
)
rows <- list()
for (case in cc_cases) {
  cc <- compare_coins(full, case$c2, dset = "Aggregated", iCode = case$iCode, compare_by = case$compare_by,
                      sort_by = case$sort_by, decreasing = case$decreasing)
  rows[[case$name]] <- data.frame(case = case$name, row = seq_len(nrow(cc)), cc, check.names = FALSE)
}
put(do.call(rbind, rows), "compare_coins.csv")
coins <- list(nominal = full, zscore = coin_z, gmean = coin_g)
ccm_cases <- list(
  list(name = "base1_ranks", ibase = 1, compare_by = "ranks", sort_table = TRUE, iCode = "Index"),
  list(name = "base3_ranks", ibase = 3, compare_by = "ranks", sort_table = TRUE, iCode = "Index"),
  list(name = "base2_scores_unsorted", ibase = 2, compare_by = "scores", sort_table = FALSE, iCode = "Sust")
)
rows <- list()
for (case in ccm_cases) {
  all <- compare_coins_multi(coins, dset = "Aggregated", iCode = case$iCode, tabtype = "All", ibase = case$ibase,
                             sort_table = case$sort_table, compare_by = case$compare_by)
  for (tt in names(all)) {
    tab <- all[[tt]]
    rows[[paste(case$name, tt)]] <- data.frame(case = case$name, tabtype = tt, row = seq_len(nrow(tab)),
                                               uCode = tab$uCode, nominal = tab$nominal, zscore = tab$zscore,
                                               gmean = tab$gmean)
  }
}
put(do.call(rbind, rows), "compare_coins_multi.csv")
agg_above_1 <- full$Meta$Ind$iCode[which(full$Meta$Ind$Level > 1)]
rows <- list()
for (case in list(list(name = "z_ranks", c2 = coin_z, by = "ranks"), list(name = "z_scores", c2 = coin_z, by = "scores"),
                  list(name = "g_ranks", c2 = coin_g, by = "ranks"))) {
  cr <- compare_coins_corr(full, case$c2, dset = "Aggregated", iCodes = agg_above_1, compare_by = case$by)
  rows[[case$name]] <- data.frame(case = case$name, cr$df_corr)
}
put(do.call(rbind, rows), "compare_coins_corr.csv")

# 9. prc_change and approx_df ----------------------------------------------------------------------------------
series <- list(
  list(name = "rising", y = c(10, 12, 11, 15, 18, 17, 21), x = 2011:2017),
  list(name = "gaps", y = c(NA, 5, NA, 4.5, 4.2, NA, 3.1, 2.9), x = c(2010, 2011, 2012, 2014, 2015, 2016, 2019, 2020)),
  list(name = "two_points", y = c(NA, 3, NA, 4.5), x = 1:4),
  list(name = "unsorted", y = c(8, 2, 5, 3), x = c(2004, 2001, 2003, 2002)),
  list(name = "constant", y = c(2, 2, NA, 2), x = 1:4),
  list(name = "one_point", y = c(NA, 7, NA), x = 1:3),
  list(name = "negative_start", y = c(-4, -1, 2, 6), x = 0:3)
)
rows <- list()
for (s in series) {
  for (per in c(1, 10)) {
    rows[[length(rows) + 1]] <- data.frame(series = s$name, per = per, y = paste(s$y, collapse = " "),
                                           x = paste(s$x, collapse = " "), prc = prc_change(s$y, s$x, per))
  }
}
put(do.call(rbind, rows), "prc_change.csv")
Y <- data.frame(y1 = c(1.5, NA, 3.25, NA, NA, 7, 8.5, NA, 10, 11),
                y2 = c(NA, 2, 2.5, 2.5, NA, 1, NA, 0.75, 0.5, NA),
                y3 = c(NA, NA, NA, 4, NA, NA, NA, NA, NA, NA),
                y4 = c(3, 1, 4, 1, 5, 9, 2, 6, 5, 3))
tt <- c(2011:2020)
ad_cases <- list(
  list(name = "all", tt_est = NULL, args = list()),
  list(name = "2012", tt_est = 2012, args = list()),
  list(name = "between", tt_est = c(2015.5, 2012, 2019.25), args = list()),
  list(name = "outside_rule2", tt_est = c(2009, 2011, 2020, 2021.5), args = list(rule = 2)),
  list(name = "constant_f0.25", tt_est = c(2012, 2014.5, 2018), args = list(method = "constant", f = 0.25))
)
rows <- list()
for (case in ad_cases) {
  a <- do.call(approx_df, c(list(Y = Y, tt = tt, tt_est = case$tt_est), case$args))
  rows[[case$name]] <- data.frame(case = case$name, tt = a$tt, a$Y)
}
put(do.call(rbind, rows), "approx_df.csv")
put(data.frame(tt = tt, Y), "approx_df_data.csv")

# 10. Impute by row, by data frame, by group level, with normalise_first --------------------------------------
# i_twoway: a data-frame imputation (for impute_by = "df"): a missing x_ij is the row mean plus the column mean
# minus the grand mean of the observed values
i_twoway <- function(x) {
  m <- as.matrix(x)
  fill <- outer(rowMeans(m, na.rm = TRUE), colMeans(m, na.rm = TRUE), "+") - mean(m, na.rm = TRUE)
  m[is.na(m)] <- fill[is.na(m)]
  as.data.frame(m)
}
imp_cases <- list(
  list(name = "row_mean", f_i = "i_mean", impute_by = "row", group_level = NULL, normalise_first = NULL, use_group = NULL),
  list(name = "row_median_raw_scale", f_i = "i_median", impute_by = "row", group_level = NULL,
       normalise_first = FALSE, use_group = NULL),
  list(name = "row_mean_L2", f_i = "i_mean", impute_by = "row", group_level = 2, normalise_first = TRUE, use_group = NULL),
  list(name = "row_median_L3", f_i = "i_median", impute_by = "row", group_level = 3, normalise_first = NULL,
       use_group = NULL),
  list(name = "column_mean_normalised", f_i = "i_mean", impute_by = "column", group_level = NULL,
       normalise_first = TRUE, use_group = NULL),
  list(name = "column_median_grp_L2", f_i = "i_median_grp", impute_by = "column", group_level = 2,
       normalise_first = NULL, use_group = "EurAsia_group"),
  list(name = "df_twoway_L2", f_i = "i_twoway", impute_by = "df", group_level = 2, normalise_first = TRUE, use_group = NULL),
  list(name = "df_twoway_raw_scale", f_i = "i_twoway", impute_by = "df", group_level = NULL, normalise_first = FALSE,
       use_group = NULL)
)
rows <- list()
for (case in imp_cases) {
  imp <- suppressWarnings(Impute(full, dset = "Raw", f_i = case$f_i, impute_by = case$impute_by,
                                 group_level = case$group_level, normalise_first = case$normalise_first,
                                 use_group = case$use_group, out2 = "df"))
  rows[[case$name]] <- data.frame(case = case$name, imp, check.names = FALSE)
}
put(do.call(rbind, rows), "impute.csv")

# 11. Treat with another first treatment and custom pass tests -------------------------------------------------
# COINr merges global_specs into its defaults list by list, so f1 = "log_CT" keeps winsorise's f1_para (and the
# call fails): f1_para = NULL clears them. boxcox needs its lambda, and a specification per indicator
# (indiv_specs) replaces the parameters of a function it changes: that is how boxcox is given here.
# pass_sd3 returns a bare logical; pass_ratio a list with Pass and a statistic of its own.
pass_sd3 <- function(x) all(abs(x - mean(x, na.rm = TRUE)) <= 3 * stats::sd(x, na.rm = TRUE), na.rm = TRUE)
pass_ratio <- function(x, maxratio, ...) {  # "...": COINr merges its default f_pass_para (see above)
  r <- (max(x, na.rm = TRUE) - stats::median(x, na.rm = TRUE)) / (stats::median(x, na.rm = TRUE) - min(x, na.rm = TRUE))
  list(Pass = r < maxratio, Ratio = r)
}
screened <- coin$Data$Screened
put(screened, "coin_Screened.csv")
ind_cols <- setdiff(names(screened), "uCode")
boxcox_specs <- stats::setNames(rep(list(list(f1 = "boxcox", f1_para = list(lambda = 0.5), f2 = "log_CT_orig",
                                              f2_para = list(na.rm = TRUE))), length(ind_cols)), ind_cols)
treat_cases <- list(
  list(name = "f1_log_CT", global = list(f1 = "log_CT", f1_para = NULL), indiv = NULL, combine = FALSE),
  list(name = "f1_log_CT_orig_f2_log_CT_plus", global = list(f1 = "log_CT_orig", f1_para = NULL, f2 = "log_CT_plus"),
       indiv = NULL, combine = TRUE),
  list(name = "f1_boxcox_f2_log_CT_orig", global = NULL, indiv = boxcox_specs, combine = FALSE),
  list(name = "pass_sd3", global = list(f_pass = "pass_sd3", f_pass_para = NULL), indiv = NULL, combine = FALSE),
  list(name = "pass_ratio3_winmax2", global = list(f_pass = "pass_ratio", f_pass_para = list(maxratio = 3),
                                                   f1_para = list(winmax = 2)), indiv = NULL, combine = FALSE)
)
# a specification per indicator that changes no function drops every parameter list (modify_treat_specs), so
# check_SkewKurt runs with na.rm = FALSE: an indicator with a missing value is left untreated. On the raw data:
# the indicators with missing values that fail the default check, each given list(f1_para = list(winmax = 1))
raw_na <- names(which(vapply(coin$Data$Raw[-1], anyNA, logical(1))))
dets_raw <- suppressWarnings(Treat(coin$Data$Raw))$Dets_Table
failing_na <- dets_raw$iCode[dets_raw$iCode %in% raw_na & !dets_raw[["check_SkewKurt0.Pass"]]]
indiv_na <- stats::setNames(rep(list(list(f1_para = list(winmax = 1))), length(failing_na)), failing_na)
tr_na <- suppressWarnings(Treat(coin$Data$Raw, indiv_specs = indiv_na))
put(data.frame(iCode = failing_na, in_details = failing_na %in% tr_na$Dets_Table$iCode,
               untreated = vapply(failing_na, function(code) identical(tr_na$x_treat[[code]], coin$Data$Raw[[code]]),
                                  logical(1))),
    "treat_indiv_specs_missing.csv")
for (case in treat_cases) {
  tr <- suppressWarnings(Treat(screened, global_specs = case$global, indiv_specs = case$indiv,
                               combine_treat = case$combine))
  put(tr$x_treat, sprintf("treat_%s_Treated.csv", case$name))
  put(tr$Dets_Table, sprintf("treat_%s_details.csv", case$name))
  if (!is.null(tr$Treated_Points)) {
    put(data.frame(uCode = tr$x_treat$uCode, tr$Treated_Points, check.names = FALSE),
        sprintf("treat_%s_points.csv", case$name))
  }
}

# 12. n_scaled with its scale factor ---------------------------------------------------------------------------
put(full$Data$Treated, "coin_Treated.csv")
rows <- list()
for (case in list(list(name = "npara_0_10_sf_10", para = list(npara = c(0, 10), scale_factor = 10)),
                  list(name = "npara_-5_50_default_sf", para = list(npara = c(-5, 50))))) {
  n <- Normalise(full, dset = "Treated", global_specs = list(f_n = "n_scaled", f_n_para = case$para), out2 = "df")
  rows[[case$name]] <- data.frame(case = case$name, n, check.names = FALSE)
}
put(do.call(rbind, rows), "n_scaled.csv")

# 13. get_opt_weights ------------------------------------------------------------------------------------------
# Each case: COINr's optimised weights at the level, its objective there (optim's value), the evaluations it
# took, and the correlations of the level's codes with the index (COINr's internal weights2corr) at those
# weights and at the original ones. COINr's correlations come in the order of the codes' names, its weights
# and itarg in iMeta order (see the docs).
ow_cases <- list(
  list(name = "L3_balance_equal", Level = 3, itarg = "equal", optype = "balance", cortype = "pearson"),
  list(name = "L3_balance_1_2_spearman", Level = 3, itarg = c(1, 2), optype = "balance", cortype = "spearman"),
  list(name = "L3_infomax_kendall", Level = 3, itarg = NULL, optype = "infomax", cortype = "kendall"),
  list(name = "L2_balance_equal", Level = 2, itarg = "equal", optype = "balance", cortype = "pearson"),
  list(name = "L2_balance_targets", Level = 2, itarg = c(1, 2, 1, 1, 1, 1, 1, 3), optype = "balance",
       cortype = "pearson")
)
w_rows <- list()
c_rows <- list()
for (case in ow_cases) {
  o <- suppressMessages(get_opt_weights(full, itarg = case$itarg, dset = "Aggregated", Level = case$Level,
                                        optype = case$optype, cortype = case$cortype))
  w <- o$WeightsOpt[o$WeightsOpt$Level == case$Level, ]
  itarg <- if (is.null(case$itarg)) NA else if (identical(case$itarg, "equal")) 1 else case$itarg
  w_rows[[case$name]] <- data.frame(case = case$name, iCode = w$iCode, itarg = itarg, Weight = w$Weight,
                                    value = o$OptResults$value, evaluations = o$OptResults$counts[["function"]])
  for (at in c("optimum", "original")) {
    wl <- if (at == "optimum") o$WeightsOpt else full$Meta$Weights$Original
    cr <- COINr:::weights2corr(full, w = wl, Levels = c(case$Level, full$Meta$maxlev), cortype = case$cortype)$cr
    c_rows[[paste(case$name, at)]] <- data.frame(case = case$name, weights = at, iCode = cr$Var2,
                                                 Correlation = cr$Correlation)
  }
}
put(do.call(rbind, w_rows), "opt_weights.csv")
put(do.call(rbind, c_rows), "opt_weights_correlations.csv")

# 14. Utilities: round_df, signif_df, rank_df, compare_df, replace_df -------------------------------------------
# R's round() decides a tie in double arithmetic (0.285 is a tie to R, not to an exact decimal expansion)
tricky <- c(0.15, 0.25, 0.35, 0.45, 2.675, 1.005, 0.285, 0.125, 2.5, -2.5, -0.285, 1234.5678, 1e-10, 5e-3,
            0.0049999999999999, 99.995, 1.0000000000000002, 0.0405, 0.2375, 0.325, 0.505, 123456789.123456789, NA)
set.seed(14)
rnd <- c(tricky, round(stats::runif(400) * 1000) / 1000 + 0.0005, stats::runif(200) * 10^sample(-4:6, 200, TRUE))
rdf <- data.frame(label = paste0("v", seq_along(rnd)), x = rnd)
put(data.frame(rdf, round0 = round_df(rdf, 0)$x, round2 = round_df(rdf, 2)$x, round3 = round_df(rdf, 3)$x,
               signif1 = signif_df(rdf, 1)$x, signif3 = signif_df(rdf, 3)$x, signif5 = signif_df(rdf, 5)$x),
    "round_signif.csv")
rk <- ASEM_iData[c("uCode", "GDP_group", "Goods", "LPI", "Flights")]
rk$GDP_group[c(3, 7)] <- NA
put(data.frame(rk, rank_df(rk)[c("Goods", "LPI", "Flights")], rank_df(rk, use_group = "GDP_group")[c("Goods", "LPI", "Flights")],
               check.names = FALSE), "rank_df.csv")
data1 <- ASEM_iData[c(2, 12:15)]
data2 <- data1
data2[1, 2] <- NA
data2[5, 3] <- data2[5, 3] * (1 + 1e-7)
data2[9, 4] <- data2[9, 4] * (1 + 1e-4)
data2$uCode[51] <- data2$uCode[51]
data2 <- data2[rev(seq_len(nrow(data2))), c(1, 3, 2, 4, 5)]
cd <- compare_df(data1, data2, matchcol = "uCode", sigfigs = 5)
put(data.frame(Same = cd$Same, cd$Details), "compare_df_details.csv")
put(do.call(rbind, lapply(names(cd$Differences), function(col) data.frame(column = col, cd$Differences[[col]],
                                                                           check.names = FALSE))),
    "compare_df_differences.csv")

# 15. names_to_codes (import_coin_tool's makecodes) and COIN_to_coin on COINr-0.6-style tables ---------------------
nm <- c(ASEM_iMeta$iName, "Gross domestic product", "Gross domestic product", "the R&D of GDP", "ab cd ef gh",
        "Tertiary education attainment rate", "x", "Energy")
put(data.frame(name = nm, code = names_to_codes(nm), code3 = names_to_codes(nm, maxword = 3, maxlet = 3)),
    "names_to_codes.csv")
old_data <- data.frame(UnitName = c("Aa", "Bb", "Cc"), UnitCode = c("A", "B", "C"), Year = 2020,
                       Group_size = c("S", "L", "L"), Den_pop = c(1, 2, 3), x_note = c("n", "o", "p"),
                       i1 = c(1, 2, 3), i2 = c(3, 1, 2), i3 = c(5, 4, 6))
old_meta <- data.frame(IndName = c("One", "Two", "Three"), IndCode = c("i1", "i2", "i3"), Direction = c(1, -1, 1),
                       IndWeight = c(1, 2, 1), IndUnit = "u", Agg1 = c("P1", "P1", "P2"), Agg2 = "Idx")
old_agg <- data.frame(AgLevel = c(2, 2, 3), Code = c("P1", "P2", "Idx"), Name = c("Pil 1", "Pil 2", "Index"),
                      Weight = c(1, 0.5, 1))
conv <- COIN_to_coin(list(IndData = old_data, IndMeta = old_meta, AggMeta = old_agg), out2 = "list")
put(conv$iData, "coin_to_coin_idata.csv")
put(conv$iMeta, "coin_to_coin_imeta.csv")
