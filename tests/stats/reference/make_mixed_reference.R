# Reference values for app.stats.mixed (random intercept per team, REML, Satterthwaite): run from the repository root
#   Rscript tests/stats/reference/make_mixed_reference.R
# Needs R (>= 4.2) with lme4, lmerTest, clubSandwich, jsonlite (Debian: r-cran-lmertest r-cran-clubsandwich
# r-cran-jsonlite). Writes mixed.json here.
#
# Every case fits lmerTest::lmer(y ~ layer + (1 | team), REML = TRUE). lme4's default optimiser stops at about
# 1e-7 of the optimum of theta; to pin estimates to 1e-6 the fit is also run with tight tolerances ("precise", the
# values the tests use; the default fit is recorded next to it with its REML criterion, which is never lower).
# Layer means and pairwise differences: lmerTest::contest(joint = FALSE) (Satterthwaite df, t-based CI); the F test
# of equal layers: anova(m) (type III, Satterthwaite). Recorded beside them: clubSandwich::coef_test(vcov = "CR2")
# (cluster-robust, Satterthwaite df; app.stats.mixed's `robust` figures) and Welch's t.test on the same pairs.
# Data: multilevel::bh1996 and lq2002 as stored in bh1996.csv.gz / lq2002.csv.gz (read from those files, so both
# sides see the same numbers), and generated organisations (values rounded to 2 decimals and stored in the JSON).

suppressPackageStartupMessages({
  library(lmerTest)
  library(clubSandwich)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

precise <- lmerControl(optimizer = "nloptwrap", calc.derivs = FALSE,
                       optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14, ftol_rel = 1e-15,
                                      maxeval = 1e5))

contrast_table <- function(m, L, level) {
  ct <- contest(m, L, joint = FALSE, confint = TRUE, level = level)
  data.frame(estimate = ct$Estimate, se = ct$`Std. Error`, df = ct$df, t = ct$`t value`, p = ct$`Pr(>|t|)`,
             lower = ct$lower, upper = ct$upper)
}

fit_case <- function(d, level = 0.95) {
  # d: data.frame with y (NA allowed), team, layer (a factor with the levels in report order)
  d <- d[!is.na(d$y), ]
  d$team <- factor(d$team)
  lv <- levels(d$layer)
  p <- length(lv)
  m <- lmer(y ~ layer + (1 | team), data = d, REML = TRUE, control = precise)
  m_default <- lmer(y ~ layer + (1 | team), data = d, REML = TRUE)
  vc <- as.data.frame(VarCorr(m))
  between <- vc$vcov[vc$grp == "team"]; within <- vc$vcov[vc$grp == "Residual"]
  G <- cbind(1, rbind(0, diag(p - 1)))  # treatment coding -> layer means
  means <- contrast_table(m, G, level)
  pairs <- t(combn(p, 2))
  Lp <- t(apply(pairs, 1, function(ab) G[ab[1], ] - G[ab[2], ]))
  diffs <- contrast_table(m, Lp, level)
  diffs$first <- lv[pairs[, 1]]; diffs$second <- lv[pairs[, 2]]
  diffs$p_holm <- p.adjust(diffs$p, method = "holm")
  a <- anova(m)
  cr2 <- coef_test(m, vcov = "CR2", cluster = d$team, test = "Satterthwaite", coefs = "All")
  cr2_diffs <- lapply(seq_len(nrow(Lp)), function(i) {
    w <- Wald_test(m, constraints = matrix(Lp[i, ], nrow = 1), vcov = "CR2", cluster = d$team, test = "HTZ")
    list(first = lv[pairs[i, 1]], second = lv[pairs[i, 2]], F = w$Fstat, df_denom = w$df_denom, p = w$p_val)
  })
  welch <- lapply(seq_len(nrow(pairs)), function(i) {
    w <- t.test(d$y[d$layer == lv[pairs[i, 1]]], d$y[d$layer == lv[pairs[i, 2]]], var.equal = FALSE)
    list(first = lv[pairs[i, 1]], second = lv[pairs[i, 2]], t = unname(w$statistic), df = unname(w$parameter),
         p = w$p.value)
  })
  kbar <- nrow(d) / nlevels(d$team)
  list(
    n = nrow(d), n_clusters = nlevels(d$team), layers = lv,
    reml_criterion = REMLcrit(m), reml_criterion_default_optimizer = REMLcrit(m_default),
    singular = isSingular(m), between = between, within = within, icc = between / (between + within),
    design_effect = 1 + (kbar - 1) * between / (between + within),
    layer_means = unname(drop(G %*% fixef(m))),
    layer_means_vcov = unname(as.matrix(G %*% vcov(m) %*% t(G))),
    means = means, contrasts = diffs,
    anova = list(F = a$`F value`, ndf = a$NumDF, ddf = a$DenDF, p = a$`Pr(>F)`),
    checks = list(cr2_coefficients = data.frame(coef = cr2$Coef, beta = cr2$beta, se = cr2$SE, df = cr2$df_Satt,
                                                p = cr2$p_Satt),
                  cr2_differences = cr2_diffs, welch = welch)
  )
}

cases <- list()
add <- function(name, call, d, data_desc) {
  cases[[length(cases) + 1]] <<- list(name = name, data = data_desc, layer_order = levels(d$layer), call = call,
                                      value = fit_case(d))
}

call <- "lmer(y ~ layer + (1 | team), REML = TRUE, control = precise); contest(m, L, joint = FALSE); anova(m)"

bh <- read.csv(gzfile(file.path(here, "bh1996.csv.gz")))
bh_layer <- factor(ifelse(bh$HRS <= 9, "short", ifelse(bh$HRS <= 11, "regular", "long")),
                   levels = c("short", "regular", "long"))
add("bh1996: WBEING by working hours band, random intercept per GRP", call,
    data.frame(y = bh$WBEING, team = bh$GRP, layer = bh_layer),
    list(file = "bh1996.csv.gz", y = "WBEING", team = "GRP",
         layer = "HRS <= 9: short, 10..11: regular, >= 12: long"))

lq <- read.csv(gzfile(file.path(here, "lq2002.csv.gz")))
lead <- rowMeans(lq[, sprintf("LEAD%02d", 1:11)])
lq_layer <- factor(ifelse(lq$TSIG01 <= 2, "low", ifelse(lq$TSIG01 == 3, "mid", "high")),
                   levels = c("low", "mid", "high"))
add("lq2002: mean of LEAD01..11 by TSIG01 band, random intercept per COMPID", call,
    data.frame(y = lead, team = lq$COMPID, layer = lq_layer),
    list(file = "lq2002.csv.gz", y = "row mean of LEAD01..LEAD11", team = "COMPID",
         layer = "TSIG01 <= 2: low, 3: mid, >= 4: high"))

# A generated organisation: 24 teams of 2..13 employees and one team leader each; 6 department heads, each sitting
# in one of their department's teams; scale scores are means of 5 answers (multiples of 0.2) with 3% missing.
set.seed(20261217)
rows <- list()
for (tm in 1:24) {
  u <- rnorm(1, 0, 0.3)
  k <- sample(2:13, 1)
  lay <- c(rep("employee", k), "team leader", if (tm %% 4 == 1) "department head")
  shift <- c(employee = 0, `team leader` = 0.35, `department head` = 0.5)[lay]
  score <- pmin(5, pmax(1, round((3.3 + u + shift + rnorm(length(lay), 0, 0.6)) * 5) / 5))
  rows[[tm]] <- data.frame(y = score, team = tm, layer = lay)
}
org <- do.call(rbind, rows)
org$y[sample(nrow(org), round(0.03 * nrow(org)))] <- NA
org$layer <- factor(org$layer, levels = c("employee", "team leader", "department head"))
add("generated organisation: 24 teams, 3 layers nested in teams, 3% missing", call, org,
    list(inline = TRUE, y = org$y, team = org$team, layer = as.character(org$layer)))

# Units as the factor: 30 teams in 5 departments, so the compared groups are whole teams (between-team df).
set.seed(1217)
dept <- rep(c("A", "B", "C", "D", "E"), each = 6)
rows <- list()
for (tm in 1:30) {
  k <- sample(3:16, 1)
  score <- round(3.1 + c(A = 0, B = 0.2, C = -0.1, D = 0.4, E = 0)[dept[tm]] + rnorm(1, 0, 0.25) +
                   rnorm(k, 0, 0.7), 2)
  rows[[tm]] <- data.frame(y = score, team = tm, layer = dept[tm])
}
units <- do.call(rbind, rows)
units$layer <- factor(units$layer)
add("generated: 30 teams in 5 departments, departments compared (between-team factor)", call, units,
    list(inline = TRUE, y = units$y, team = units$team, layer = as.character(units$layer)))

# No team effect in the data: the REML estimate of the team variance is 0 (a boundary, "singular" fit).
set.seed(1)
flat <- data.frame(y = round(rnorm(60, 3, 0.8), 2), team = rep(1:10, each = 6),
                   layer = factor(rep(c("employee", "employee", "employee", "employee", "team leader",
                                        "department head"), 10),
                                  levels = c("employee", "team leader", "department head")))
add("generated: no team effect, boundary fit (team variance 0)", call, flat,
    list(inline = TRUE, y = flat$y, team = flat$team, layer = as.character(flat$layer)))

out <- list(
  provenance = list(
    script = "tests/stats/reference/make_mixed_reference.R",
    R = R.version.string,
    packages = list(lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
                    clubSandwich = as.character(packageVersion("clubSandwich")),
                    Matrix = as.character(packageVersion("Matrix")),
                    jsonlite = as.character(packageVersion("jsonlite"))),
    generated = as.character(Sys.Date()),
    optimizer = "lmerControl(optimizer = 'nloptwrap', optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14, ftol_rel = 1e-15, maxeval = 1e5))"
  ),
  cases = cases
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, dataframe = "rows"),
           file.path(here, "mixed.json"))
cat("wrote", file.path(here, "mixed.json"), "\n")
