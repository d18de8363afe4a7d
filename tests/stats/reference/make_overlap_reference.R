# Reference values for app.stats.overlap (the partially overlapping samples t-test): run from the repository root
#   Rscript tests/stats/reference/make_overlap_reference.R
# Needs R (>= 4.2) with psych and jsonlite (Debian: r-base-core r-cran-psych). Writes overlap.json here.
#
# The R package Partiallyoverlapping (which implements the test) is not packaged for Debian and CRAN is not
# reachable from the machines this project is built on, so T_new2 is computed here from its published formula
# (Derrick, Toher & White 2017, The Quantitative Methods for Psychology 13(2), 120-126: equal variances not
# assumed), written out in base R independently of the Python code; its two limits are checked against base R's
# own tests: all pairs = t.test(paired = TRUE), no pairs = t.test(var.equal = FALSE).
# Data: psych::bfi item pairs with their natural missing answers (a respondent with both items is a pair; with one,
# an unpaired observation), and a few constructed samples.

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

tnew2 <- function(a, b, level = 0.95) {
  # a, b: one value per respondent, NA = not answered in that frame
  both <- !is.na(a) & !is.na(b)
  x1 <- a[!is.na(a)]; x2 <- b[!is.na(b)]
  n1 <- length(x1); n2 <- length(x2); n12 <- sum(both)
  na <- n1 - n12; nb <- n2 - n12
  r <- if (n12 < 2 || sd(a[both]) == 0 || sd(b[both]) == 0) 0 else cor(a[both], b[both])
  v1 <- var(x1); v2 <- var(x2)
  se <- sqrt(v1 / n1 + v2 / n2 - 2 * r * sqrt(v1) * sqrt(v2) * n12 / (n1 * n2))
  welch <- (v1 / n1 + v2 / n2)^2 / ((v1 / n1)^2 / (n1 - 1) + (v2 / n2)^2 / (n2 - 1))
  df <- if (n12 < 2) welch else (n12 - 1) + (welch - n12 + 1) / (na + nb + 2 * n12) * (na + nb)
  est <- mean(x1) - mean(x2)
  t <- est / se
  q <- qt(1 - (1 - level) / 2, df)
  list(n_first = n1, n_second = n2, n_both = n12, mean_first = mean(x1), mean_second = mean(x2),
       difference = est, t = t, df = df, p = 2 * pt(-abs(t), df), ci = c(est - q * se, est + q * se),
       d_av = est / sqrt((v1 + v2) / 2))
}

data(bfi, package = "psych")
cases <- list()
for (p in list(c("A2", "A3"), c("C1", "C2"), c("E3", "O1"), c("N1", "N2"), c("O2", "O5"))) {
  cases[[length(cases) + 1]] <- list(  # the data: bfi.csv.gz, written by make_reference.R
    name = paste0("bfi ", p[1], " vs ", p[2]), bfi = p,
    call = sprintf("tnew2(bfi$%s, bfi$%s)", p[1], p[2]), value = tnew2(bfi[[p[1]]], bfi[[p[2]]]))
}
# small samples with a given overlap, including both limits
set.seed(12)
a <- c(round(rnorm(14, 3.4, 0.8), 1), rep(NA, 5)); b <- c(rep(NA, 3), round(rnorm(16, 3.9, 0.7), 1))
cases[[length(cases) + 1]] <- list(name = "constructed: 3 first only, 5 second only, 11 pairs", first = a,
                                   second = b, call = "tnew2(a, b)", value = tnew2(a, b))
pa <- round(rnorm(12, 3, 1), 1); pb <- round(pa + rnorm(12, 0.6, 0.5), 1)
paired <- t.test(pa, pb, paired = TRUE)
cases[[length(cases) + 1]] <- list(
  name = "all pairs = paired t-test", first = pa, second = pb, call = "t.test(pa, pb, paired = TRUE)",
  value = c(tnew2(pa, pb), list(t_test_statistic = unname(paired$statistic), t_test_df = unname(paired$parameter),
                                t_test_p = paired$p.value)))
ua <- c(round(rnorm(9, 3, 1), 1), rep(NA, 7)); ub <- c(rep(NA, 9), round(rnorm(7, 3.8, 0.6), 1))
welch <- t.test(ua[!is.na(ua)], ub[!is.na(ub)], var.equal = FALSE)
cases[[length(cases) + 1]] <- list(
  name = "no pairs = Welch t-test", first = ua, second = ub, call = "t.test(x, y, var.equal = FALSE)",
  value = c(tnew2(ua, ub), list(t_test_statistic = unname(welch$statistic), t_test_df = unname(welch$parameter),
                                t_test_p = welch$p.value)))

out <- list(
  cases = cases,
  provenance = list(script = "tests/stats/reference/make_overlap_reference.R", R = R.version.string,
                    packages = list(psych = as.character(packageVersion("psych")),
                                    jsonlite = as.character(packageVersion("jsonlite"))),
                    generated = format(Sys.Date())))
write_json(out, file.path(here, "overlap.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
