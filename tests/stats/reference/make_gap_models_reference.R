# Reference values for the perception-gap report's primary test and invariance, end to end: run from the
# repository root
#   Rscript tests/stats/reference/make_gap_models_reference.R
# Needs R (>= 4.2) with lme4, lmerTest, lavaan, jsonlite. Writes gap_models.json here.
#
# Input: gap_models_rows.csv.gz, the import CSV of a small organisation made by the report test factories
# (tests/reports/test_gap_models.py: TEAMS, written by `WRITE_GAP_MODELS_ROWS=1 pytest ... -k write_rows`; the test
# checks the generator still makes exactly these rows) -- 8 teams Ops/T1..T8 of 12 employees and 5 team leaders, 6
# department heads at Ops -- and gap_models_items.json (the built-in questionnaire's items per dimension and which
# are reverse keyed). The test imports the same rows through the API and compares the perception-gaps report.
#
# Per dimension: keyed answers (reverse-keyed items as 6 - x on the 1..5 scale), scale score = mean of the keyed
# answers of those who answered every item (others left out). Mixed model: lmerTest::lmer(score ~ side + (1 | unit),
# REML) with side a (team leaders; department heads) against b (employees), the contrast a - b by contest (Satterthwaite),
# tight nloptwrap tolerances as make_mixed_reference.R; Holm by p.adjust over the report's 10 tests (2 comparisons
# x 5 dimensions). Invariance: lavaan::cfa("f =~ items", group = side, group.label = c("a", "b")) configural /
# metric / scalar, BFGS with reltol 1e-16 as make_invariance_reference.R, fitMeasures and lavTestLRT (team leaders
# against employees; department heads are too few for a factor model).

suppressPackageStartupMessages({
  library(lmerTest)
  library(lavaan)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

rows <- read.csv(gzfile(file.path(here, "gap_models_rows.csv.gz")), check.names = FALSE,
                 colClasses = "character")
dims <- fromJSON(file.path(here, "gap_models_items.json"), simplifyVector = FALSE)
precise <- lmerControl(optimizer = "nloptwrap", calc.derivs = FALSE,
                       optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14, ftol_rel = 1e-15,
                                      maxeval = 1e5))

keyed_items <- function(dim) {
  sapply(dim, function(it) {
    x <- suppressWarnings(as.numeric(rows[[it$key]]))
    if (isTRUE(it$reverse)) 6 - x else x
  })
}

mixed <- list(); tests <- list(); invariance <- list()
for (dk in names(dims)) {
  x <- keyed_items(dims[[dk]])
  complete <- stats::complete.cases(x)
  score <- ifelse(complete, rowMeans(x), NA)
  for (a in c("team_leader", "department_head")) {
    keep <- complete & rows$layer %in% c(a, "employee")
    d <- data.frame(y = score[keep], team = factor(rows$unit[keep]),
                    side = factor(ifelse(rows$layer[keep] == a, "a", "b"), levels = c("b", "a")))
    m <- lmer(y ~ side + (1 | team), data = d, REML = TRUE, control = precise)
    ct <- contest(m, matrix(c(0, 1), nrow = 1), joint = FALSE, confint = TRUE)
    vc <- as.data.frame(VarCorr(m))
    value <- list(comparison = a, estimate = ct$Estimate, se = ct$`Std. Error`, df = ct$df, t = ct$`t value`,
                  p = ct$`Pr(>|t|)`, lower = ct$lower, upper = ct$upper, n = nrow(d), n_clusters = nlevels(d$team),
                  between = vc$vcov[vc$grp == "team"], within = vc$vcov[vc$grp == "Residual"])
    tests[[length(tests) + 1]] <- value
    if (a == "team_leader") {
      mixed[[dk]] <- value
      items <- sapply(dims[[dk]], function(it) it$key)
      cd <- as.data.frame(x[keep, , drop = FALSE]); names(cd) <- items
      cd$side <- ifelse(rows$layer[keep] == a, "a", "b")
      model <- paste("f =~", paste(items, collapse = " + "))
      levels <- list(configural = "", metric = "loadings", scalar = c("loadings", "intercepts"))
      fits <- lapply(levels, function(eq) cfa(model, cd, group = "side", group.label = c("a", "b"),
                                              group.equal = eq, optim.method = "BFGS",
                                              control = list(reltol = 1e-16, maxit = 1e5)))
      lrt <- lavTestLRT(fits$configural, fits$metric, fits$scalar)
      inv <- lapply(fits, function(f) as.list(fitMeasures(f, c("chisq", "df", "pvalue", "cfi", "rmsea"))))
      inv$n <- unname(lavInspect(fits$configural, "nobs"))
      inv$metric_vs_configural_p <- lrt$`Pr(>Chisq)`[2]
      inv$scalar_vs_metric_p <- lrt$`Pr(>Chisq)`[3]
      invariance[[dk]] <- inv
    }
  }
}
holm <- p.adjust(sapply(tests, function(v) v$p), method = "holm")
for (i in seq_along(tests)) {
  if (tests[[i]]$comparison == "team_leader") {
    for (dk in names(mixed)) if (identical(mixed[[dk]]$p, tests[[i]]$p)) mixed[[dk]]$p_holm <- holm[i]
  }
}

out <- list(
  provenance = list(script = "tests/stats/reference/make_gap_models_reference.R", date = as.character(Sys.Date()),
                    R = R.version.string, lme4 = as.character(packageVersion("lme4")),
                    lmerTest = as.character(packageVersion("lmerTest")),
                    lavaan = as.character(packageVersion("lavaan")),
                    jsonlite = as.character(packageVersion("jsonlite")),
                    data = "gap_models_rows.csv.gz, gap_models_items.json"),
  call = list(mixed = "lmer(score ~ side + (1 | unit), REML = TRUE, control = precise); contest(m, c(0, 1), joint = FALSE, confint = TRUE); p.adjust(<10 tests>, 'holm')",
              invariance = "cfa('f =~ items', data, group = 'side', group.label = c('a', 'b'), group.equal = <none | loadings | loadings, intercepts>, optim.method = 'BFGS', control = list(reltol = 1e-16, maxit = 1e5)); fitMeasures(); lavTestLRT()"),
  mixed = mixed, invariance = invariance)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "gap_models.json"))
