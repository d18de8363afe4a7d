# Reference values for tests/stats: run from the repository root with
#   Rscript tests/stats/reference/make_reference.R
# Needs R (>= 4.2) with psych, multilevel, effectsize and jsonlite (Debian: r-base-core r-cran-psych
# r-cran-multilevel r-cran-effectsize). It writes the data subsets (CSV) and the reference values (JSON) into
# this folder; the Python tests read only those files and never need R.
# Data: psych::bfi (25 Big-Five items, 1..6, with NA; gender; education), psych::sat.act, multilevel::lq2002
# (COMPID, LEAD01..11, TSIG01..03; 1..5) and multilevel::bh1996 (GRP, HRS, WBEING).
#
# Every JSON file has a "provenance" block (R and package versions, this script) and each value carries the
# exact R call that produced it ("call"). Numbers are written with 15 significant digits (jsonlite digits = NA).

suppressPackageStartupMessages({
  library(psych)
  library(multilevel)
  library(effectsize)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
out <- function(name) file.path(here, name)

provenance <- list(
  script = "tests/stats/reference/make_reference.R",
  R = R.version.string,
  packages = list(
    psych = as.character(packageVersion("psych")),
    multilevel = as.character(packageVersion("multilevel")),
    effectsize = as.character(packageVersion("effectsize")),
    jsonlite = as.character(packageVersion("jsonlite"))
  ),
  generated = format(Sys.Date())
)
write_ref <- function(x, name) {
  x$provenance <- provenance
  write_json(x, out(name), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
}
ref <- function(call, value) list(call = call, value = value)

# ---------------------------------------------------------------- data subsets -------------------------------
data(bfi, package = "psych")
data(sat.act, package = "psych")
data(lq2002, package = "multilevel")
data(bh1996, package = "multilevel")
bfi_items <- colnames(bfi)[1:25]
write_gz <- function(x, name) {  # gzip keeps the four data files under 100 KB together
  con <- gzfile(out(name), "w"); write.csv(x, con, row.names = FALSE, na = ""); close(con)
}
write_gz(bfi[, c(bfi_items, "gender", "education")], "bfi.csv.gz")
write_gz(sat.act, "sat_act.csv.gz")
lq_cols <- c("COMPID", sprintf("LEAD%02d", 1:11), sprintf("TSIG%02d", 1:3))
write_gz(lq2002[, lq_cols], "lq2002.csv.gz")
write_gz(bh1996[, c("GRP", "HRS", "WBEING")], "bh1996.csv.gz")

# bfi: 25 items on 1..6, the keys of psych's bfi.keys (minus = reverse keyed)
keys <- list(
  agree = c("-A1", "A2", "A3", "A4", "A5"),
  conscientious = c("C1", "C2", "C3", "-C4", "-C5"),
  extraversion = c("-E1", "-E2", "E3", "E4", "E5"),
  neuroticism = c("N1", "N2", "N3", "N4", "N5"),
  openness = c("O1", "-O2", "O3", "O4", "-O5")
)
keyed_items <- function(dim) {  # reverse keying by hand: x' = min + max - x = 7 - x
  k <- keys[[dim]]
  items <- sub("-", "", k)
  x <- bfi[, items]
  rev <- startsWith(k, "-")
  x[, rev] <- 7 - x[, rev]
  x
}
score_of <- function(dim, min_share = 0.5) {
  x <- keyed_items(dim)
  answered <- rowSums(!is.na(x))
  s <- rowMeans(x, na.rm = TRUE)
  s[answered < max(1, ceiling(min_share * ncol(x)))] <- NA
  s
}

# ---------------------------------------------------------------- scales -------------------------------------
scales <- list(keys = keys)
si <- scoreItems(make.keys(bfi[, bfi_items], keys), bfi[, bfi_items], totals = FALSE, impute = "none",
                 min = 1, max = 6)
for (dim in names(keys)) {
  s <- score_of(dim)
  s_all <- score_of(dim, 0)
  s_full <- score_of(dim, 1)
  scales[[dim]] <- list(
    scoreItems_first200 = ref(
      "scoreItems(make.keys(bfi[,1:25], keys), bfi[,1:25], totals=FALSE, impute='none', min=1, max=6)$scores[1:200, dim]",
      unname(si$scores[1:200, dim])),
    scoreItems_sum = ref("sum(<same>$scores[, dim], na.rm=TRUE)", sum(si$scores[, dim], na.rm = TRUE)),
    rowMeans_min_share_0 = list(n_valid = sum(!is.na(s_all)), sum = sum(s_all, na.rm = TRUE)),
    half = ref("s <- rowMeans(keyed, na.rm=TRUE); s[rowSums(!is.na(keyed)) < 3] <- NA  (k = 5, min_share 0.5)",
               list(n_valid = sum(!is.na(s)), sum = sum(s, na.rm = TRUE), sumsq = sum(s^2, na.rm = TRUE),
                    na_rows = which(is.na(s)))),
    complete = ref("same with min_share = 1 (all 5 answered)",
                   list(n_valid = sum(!is.na(s_full)), sum = sum(s_full, na.rm = TRUE),
                        na_rows_first50 = head(which(is.na(s_full)), 50)))
  )
}
scales$reverse_code_A1_first20 <- ref("reverse.code(-1, bfi[,'A1', drop=FALSE], mini=1, maxi=6)[1:20]",
                                      unname(reverse.code(-1, bfi[, "A1", drop = FALSE], mini = 1, maxi = 6)[1:20]))
write_ref(scales, "scales.json")

# ---------------------------------------------------------------- descriptives -------------------------------
edu <- bfi$education
desc <- list()
for (dim in c("agree", "conscientious")) {
  s <- score_of(dim)
  rows <- list()
  for (e in 1:5) {
    x <- s[!is.na(edu) & edu == e & !is.na(s)]
    tt <- t.test(x)
    rows[[e]] <- list(education = e, n = length(x), mean = mean(x), sd = sd(x),
                      ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])
  }
  desc[[dim]] <- ref("x <- score[education == e]; length(x); mean(x); sd(x); t.test(x)$conf.int", rows)
  k <- keyed_items(dim)
  fav <- unfav <- nans <- numeric(5)
  for (e in 1:5) {
    v <- unlist(k[!is.na(edu) & edu == e, ])
    v <- v[!is.na(v)]
    nans[e] <- length(v); fav[e] <- mean(v >= 5); unfav[e] <- mean(v <= 2)
  }
  desc[[paste0(dim, "_shares")]] <- ref(
    "v <- unlist(keyed[education == e, ]); v <- v[!is.na(v)]; mean(v >= 5); mean(v <= 2)",
    list(n_answers = nans, favourable = fav, unfavourable = unfav))
}
dist <- list()
for (it in bfi_items) {
  tab <- table(factor(bfi[[it]], levels = 1:6), factor(edu, levels = 1:5))
  dist[[it]] <- unname(lapply(1:5, function(e) as.integer(tab[, e])))
}
desc$item_distribution <- ref("table(factor(bfi[[item]], levels=1:6), factor(bfi$education, levels=1:5))[, e]",
                              dist)
write_ref(desc, "descriptives.json")

# ---------------------------------------------------------------- reliability --------------------------------
# psych::fa's L-BFGS-B stops early (its objective ends ~1e-6 above the minimum; omega moves in the 4th decimal),
# so the same one-factor minres objective, sum_{i<j} (r_ij - l_i l_j)^2, is also minimised here to full
# precision with BFGS on the loadings, giving a precise omega total of the same definition.
minres_precise <- function(x) {
  R <- cor(x, use = "pairwise")
  lt <- lower.tri(R)
  fn <- function(l) sum((R - tcrossprod(l))[lt]^2)
  gr <- function(l) { E <- R - tcrossprod(l); diag(E) <- 0; -2 * as.vector(E %*% l) }
  fit <- optim(sqrt(smc(R)), fn, gr, method = "BFGS", control = list(reltol = 1e-16, maxit = 10000))
  l <- fit$par * sign(sum(fit$par))
  list(loadings = l, objective = fit$value, omega_tot = 1 - sum(1 - l^2) / sum(R),
       psych_fa_objective = fn(as.vector(psych::fa(x, nfactors = 1, fm = "minres")$loadings)))
}
rel <- list()
for (dim in names(keys)) {
  x <- keyed_items(dim)
  x <- x[rowSums(!is.na(x)) > 0, ]
  a <- psych::alpha(x, warnings = FALSE)
  om <- psych::omega(x, nfactors = 1, plot = FALSE)
  f1 <- psych::fa(x, nfactors = 1, fm = "minres")
  rel[[dim]] <- list(
    n_rows = nrow(x),
    raw_alpha = ref("psych::alpha(x)$total$raw_alpha", a$total$raw_alpha),
    feldt = ref("psych::alpha(x)$feldt (= alpha.ci(raw_alpha, nrow(x), 5))",
                list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]])),
    r_drop = ref("psych::alpha(x)$item.stats$r.drop", a$item.stats$r.drop),
    alpha_drop = ref("psych::alpha(x)$alpha.drop$raw_alpha", a$alpha.drop$raw_alpha),
    omega_tot = ref("psych::omega(x, nfactors=1, plot=FALSE)$omega.tot", om$omega.tot),
    loadings = ref("psych::fa(x, nfactors=1, fm='minres')$loadings[, 1]", unname(f1$loadings[, 1])),
    minres_precise = ref("minres_precise(x) in this script (optim BFGS, reltol 1e-16)", minres_precise(x))
  )
}
lead <- lq2002[, sprintf("LEAD%02d", 1:11)]
a <- psych::alpha(lead, warnings = FALSE)
om <- psych::omega(lead, nfactors = 1, plot = FALSE)
rel$lq2002_lead <- list(
  n_rows = nrow(lead),
  raw_alpha = ref("psych::alpha(lq2002[, LEAD01:LEAD11])$total$raw_alpha", a$total$raw_alpha),
  feldt = ref("psych::alpha(...)$feldt", list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]])),
  r_drop = ref("psych::alpha(...)$item.stats$r.drop", a$item.stats$r.drop),
  alpha_drop = ref("psych::alpha(...)$alpha.drop$raw_alpha", a$alpha.drop$raw_alpha),
  omega_tot = ref("psych::omega(lq2002[, LEAD01:LEAD11], nfactors=1, plot=FALSE)$omega.tot", om$omega.tot),
  minres_precise = ref("minres_precise(lq2002[, LEAD01:LEAD11]) in this script", minres_precise(lead))
)
write_ref(rel, "reliability.json")

# ---------------------------------------------------------------- agreement ----------------------------------
lead_cols <- sprintf("LEAD%02d", 1:11)
tsig_cols <- sprintf("TSIG%02d", 1:3)
agr <- list()
rj <- rwg.j(lq2002[, lead_cols], lq2002$COMPID, ranvar = 2)
agr$lq_lead_rwg_j <- ref("rwg.j(lq2002[, LEAD01:LEAD11], lq2002$COMPID, ranvar = 2)",
                         list(grpid = as.integer(as.character(rj$grpid)), rwg_j = rj$rwg.j, gsize = rj$gsize))
rj <- rwg.j(lq2002[, tsig_cols], lq2002$COMPID, ranvar = 2)
agr$lq_tsig_rwg_j <- ref("rwg.j(lq2002[, TSIG01:TSIG03], lq2002$COMPID, ranvar = 2)",
                         list(grpid = as.integer(as.character(rj$grpid)), rwg_j = rj$rwg.j, gsize = rj$gsize))
r1 <- rwg(lq2002$LEAD01, lq2002$COMPID, ranvar = 2)
agr$lq_lead01_rwg <- ref("rwg(lq2002$LEAD01, lq2002$COMPID, ranvar = 2)",
                         list(grpid = as.integer(as.character(r1$grpid)), rwg = r1$rwg, gsize = r1$gsize))
# a deliberately small null variance (ranvar = 1) makes some companies' variance exceed it: the truncation rule
r1 <- rwg(lq2002$LEAD01, lq2002$COMPID, ranvar = 1)
agr$lq_lead01_rwg_ranvar1 <- ref("rwg(lq2002$LEAD01, lq2002$COMPID, ranvar = 1)",
                                 list(grpid = as.integer(as.character(r1$grpid)), rwg = r1$rwg, gsize = r1$gsize))
rj <- rwg.j(lq2002[, tsig_cols], lq2002$COMPID, ranvar = 1)
agr$lq_tsig_rwg_j_ranvar1 <- ref("rwg.j(lq2002[, TSIG01:TSIG03], lq2002$COMPID, ranvar = 1)",
                                 list(grpid = as.integer(as.character(rj$grpid)), rwg_j = rj$rwg.j, gsize = rj$gsize))
# bfi with missing answers, grouped by education (rows without education dropped, as rwg.j's na.exclude does)
has_edu <- !is.na(bfi$education)
xa <- keyed_items("agree")[has_edu, ]
ga <- bfi$education[has_edu]
rj <- rwg.j(xa, ga, ranvar = 35 / 12)
agr$bfi_agree_rwg_j_listwise <- ref("rwg.j(keyed A1..A5 [has education], education, ranvar = (6^2 - 1)/12)",
                                    list(grpid = as.integer(as.character(rj$grpid)), rwg_j = rj$rwg.j,
                                         gsize = rj$gsize))
avail <- sapply(1:5, function(e) {  # per-item available-case variances (transparent, no package)
  S <- mean(sapply(xa[ga == e, ], var, na.rm = TRUE)); S <- min(S, 35 / 12)
  5 * (1 - S / (35 / 12)) / (5 * (1 - S / (35 / 12)) + S / (35 / 12))
})
agr$bfi_agree_rwg_j_available <- ref(
  "S <- min(mean(sapply(x[g == e, ], var, na.rm=TRUE)), 35/12); J*(1-S/s2)/(J*(1-S/s2)+S/s2)", avail)
r1 <- rwg(bfi$A2[has_edu], ga, ranvar = 35 / 12)
agr$bfi_A2_rwg <- ref("rwg(bfi$A2[has education], education, ranvar = 35/12)",
                      list(grpid = as.integer(as.character(r1$grpid)), rwg = r1$rwg, gsize = r1$gsize))
icc_ref <- function(y, g, call) {
  m <- aov(y ~ as.factor(g))
  ref(call, list(icc1 = ICC1(m), icc2 = ICC2(m)))
}
agr$bh_wbeing_icc <- icc_ref(bh1996$WBEING, bh1996$GRP, "m <- aov(WBEING ~ as.factor(GRP), bh1996); ICC1(m); ICC2(m)")
agr$bh_wbeing_icc1_published <- list(
  value = 0.04336905,
  source = paste("J. D. Marshall, 'R Markdown File to Augment Bliese's (2016) Tutorial',",
                 "https://jasondmarshall.com/multilevel-steps : ICC1(aov(WBEING ~ as.factor(GRP), data = bh1996))"))
agr$bh_hrs_icc <- icc_ref(bh1996$HRS, bh1996$GRP, "m <- aov(HRS ~ as.factor(GRP), bh1996); ICC1(m); ICC2(m)")
lead_score <- rowMeans(lq2002[, lead_cols])
agr$lq_lead_icc <- icc_ref(lead_score, lq2002$COMPID,
                           "m <- aov(rowMeans(lq2002[, LEAD01:LEAD11]) ~ as.factor(COMPID)); ICC1(m); ICC2(m)")
agr$bfi_agree_icc <- icc_ref(score_of("agree")[has_edu], ga,
                             "m <- aov(agree score (min_share .5) ~ as.factor(education)); ICC1(m); ICC2(m)")
write_ref(agr, "agreement.json")

# ---------------------------------------------------------------- two groups, paired --------------------------
ncp_ci <- function(t, df, level = 0.95) {  # precise inversion of the noncentral t (Steiger & Fouladi 1997)
  f <- function(ncp, p) pt(t, df, ncp) - p
  w <- 10 + abs(t)
  c(uniroot(f, c(t - w, t + w), p = (1 + level) / 2, tol = 1e-13)$root,
    uniroot(f, c(t - w, t + w), p = (1 - level) / 2, tol = 1e-13)$root)
}
two <- function(x, y, what) {
  x <- x[!is.na(x)]; y <- y[!is.na(y)]
  tt <- t.test(x, y)
  w <- wilcox.test(x, y, exact = FALSE, correct = TRUE)
  g <- hedges_g(x, y)
  n1 <- length(x); n2 <- length(y); df <- n1 + n2 - 2
  sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / df)
  tp <- (mean(x) - mean(y)) / (sp * sqrt(1 / n1 + 1 / n2))
  J <- exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
  list(what = what,
       call = paste("t.test(x, y); wilcox.test(x, y, exact=FALSE, correct=TRUE); effectsize::hedges_g(x, y);",
                    "precise CI: J * uniroot(pt(t, df, ncp) = .975/.025) * sqrt(1/n1 + 1/n2)"),
       n1 = n1, n2 = n2, mean1 = mean(x), mean2 = mean(y),
       difference = unname(tt$estimate[1] - tt$estimate[2]),
       difference_ci = as.numeric(tt$conf.int),
       welch_t = unname(tt$statistic), welch_df = unname(tt$parameter), welch_p = tt$p.value,
       mw_u = unname(w$statistic), mw_p = w$p.value,
       hedges_g = g$Hedges_g, hedges_g_ci_effectsize = c(g$CI_low, g$CI_high),
       hedges_g_ci_precise = J * ncp_ci(tp, df) * sqrt(1 / n1 + 1 / n2))
}
sa <- score_of("agree"); sc <- score_of("conscientious")
cmp <- list(
  bfi_agree_gender = two(sa[bfi$gender == 1], sa[bfi$gender == 2], "bfi agree score, gender 1 vs 2"),
  bfi_consc_edu_1_5 = two(sc[which(edu == 1)], sc[which(edu == 5)], "bfi conscientious score, education 1 vs 5"),
  satv_gender = two(sat.act$SATV[sat.act$gender == 1], sat.act$SATV[sat.act$gender == 2],
                    "sat.act SATV, gender 1 vs 2"),
  satq_gender = two(sat.act$SATQ[sat.act$gender == 1], sat.act$SATQ[sat.act$gender == 2],
                    "sat.act SATQ (with NA), gender 1 vs 2"),
  lq_lead_company_13_vs_rest = two(lead_score[lq2002$COMPID == 13], lead_score[lq2002$COMPID != 13],
                                   "lq2002 mean LEAD01..11, company 13 vs all others")
)
pair <- function(x, y, what) {
  keep <- !is.na(x) & !is.na(y); x <- x[keep]; y <- y[keep]
  tt <- t.test(x, y, paired = TRUE)
  w <- wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE)
  d <- cohens_d(x, y, paired = TRUE)
  n <- length(x)
  list(what = what,
       call = paste("t.test(x, y, paired=TRUE); wilcox.test(x, y, paired=TRUE, exact=FALSE, correct=TRUE);",
                    "effectsize::cohens_d(x, y, paired=TRUE); precise CI: uniroot(pt(t, n-1, ncp))/sqrt(n)"),
       n = n, gap = unname(tt$estimate), gap_ci = as.numeric(tt$conf.int), t = unname(tt$statistic),
       df = unname(tt$parameter), p = tt$p.value, v = unname(w$statistic), wilcoxon_p = w$p.value,
       d_z = d$Cohens_d, d_z_ci_effectsize = c(d$CI_low, d$CI_high),
       d_z_ci_precise = ncp_ci(unname(tt$statistic), n - 1) / sqrt(n))
}
data(sleep)
cmp$sleep_paired <- pair(sleep$extra[sleep$group == 1], sleep$extra[sleep$group == 2],
                         "datasets::sleep, extra of drug 1 vs drug 2 (same 10 patients); has a zero and ties")
cmp$bfi_C1_C2_paired <- pair(bfi$C1, bfi$C2, "bfi C1 (current) vs C2 (desired), pairs with both answered")
cmp$satv_satq_paired <- pair(sat.act$SATV, sat.act$SATQ, "sat.act SATV vs SATQ (SATQ has NA)")
write_ref(cmp, "compare.json")

# ---------------------------------------------------------------- many groups, multiple testing ----------------
many <- function(y, g, what) {
  keep <- !is.na(y) & !is.na(g); y <- y[keep]; g <- factor(g[keep])
  a <- anova(lm(y ~ g))
  w <- oneway.test(y ~ g, var.equal = FALSE)
  kw <- kruskal.test(y ~ g)
  list(what = what,
       call = "anova(lm(y ~ g)); oneway.test(y ~ g, var.equal=FALSE); kruskal.test(y ~ g)",
       anova_f = a$`F value`[1], anova_df = a$Df, anova_p = a$`Pr(>F)`[1],
       welch_f = unname(w$statistic), welch_df = unname(w$parameter), welch_p = w$p.value,
       kruskal_h = unname(kw$statistic), kruskal_df = unname(kw$parameter), kruskal_p = kw$p.value)
}
games_howell_r <- function(y, g, level = 0.95) {
  # Games & Howell (1976), written out: Welch t and df per pair, p from the studentized range (ptukey),
  # CI half-width q * SE / sqrt(2) with q solved precisely from ptukey (qtukey is only ~4 decimals).
  keep <- !is.na(y) & !is.na(g); y <- y[keep]; g <- factor(g[keep])
  lv <- levels(g); k <- length(lv)
  n <- tapply(y, g, length); m <- tapply(y, g, mean); v <- tapply(y, g, var)
  res <- list()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    se2 <- v[i] / n[i] + v[j] / n[j]
    df <- se2^2 / ((v[i] / n[i])^2 / (n[i] - 1) + (v[j] / n[j])^2 / (n[j] - 1))
    t <- (m[i] - m[j]) / sqrt(se2)
    p <- ptukey(sqrt(2) * abs(t), k, df, lower.tail = FALSE)
    q <- uniroot(function(q) ptukey(q, k, df) - level, c(1, 20), tol = 1e-12)$root
    half <- q * sqrt(se2) / sqrt(2)
    res[[length(res) + 1]] <- list(first = lv[i], second = lv[j], diff = unname(m[i] - m[j]), t = unname(t),
                                   df = unname(df), p = unname(p), ci = unname(c(m[i] - m[j] - half,
                                                                                  m[i] - m[j] + half)))
  }
  res
}
anv <- list(
  bfi_agree_education = many(sa, edu, "bfi agree score by education (1..5)"),
  bfi_consc_education = many(sc, edu, "bfi conscientious score by education (1..5)"),
  lq_lead_company = many(lead_score, lq2002$COMPID, "lq2002 mean LEAD by COMPID (49 companies)"),
  satv_education = many(sat.act$SATV, sat.act$education, "sat.act SATV by education (0..5)"),
  games_howell_bfi_agree_education = ref("games_howell_r(agree score, education) in this script",
                                         games_howell_r(sa, edu)),
  games_howell_satv_education = ref("games_howell_r(sat.act$SATV, sat.act$education) in this script",
                                    games_howell_r(sat.act$SATV, sat.act$education))
)
write_ref(anv, "anova.json")

# the family: Welch p-values of every education pair for every bfi dimension (50 tests), with two made missing
fam <- c()
for (dim in names(keys)) {
  s <- score_of(dim)
  for (i in 1:4) for (j in (i + 1):5) fam <- c(fam, t.test(s[which(edu == i)], s[which(edu == j)])$p.value)
}
fam_na <- fam; fam_na[c(3, 17)] <- NA
mt <- list(
  family_call = "Welch t.test p of education i vs j (i<j) for each bfi dimension in keys order",
  pvalues = fam,
  holm = ref("p.adjust(p, 'holm')", p.adjust(fam, "holm")),
  bh = ref("p.adjust(p, 'BH')", p.adjust(fam, "BH")),
  pvalues_with_na = fam_na,
  holm_na = ref("p.adjust(p with NA at 3 and 17, 'holm')", p.adjust(fam_na, "holm")),
  bh_na = ref("p.adjust(p with NA at 3 and 17, 'BH')", p.adjust(fam_na, "BH"))
)
write_ref(mt, "multitest.json")
cat("reference files written to", here, "\n")
