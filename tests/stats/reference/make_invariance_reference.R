# Reference values for app.stats.invariance (multi-group one-factor CFA): run from the repository root
#   Rscript tests/stats/reference/make_invariance_reference.R
# Needs R (>= 4.2) with lavaan and jsonlite (Debian: r-cran-lavaan r-cran-jsonlite).
# Writes invariance.json here.
#
# Every case fits lavaan::cfa("f =~ x1 + ... + xk", data, group = g) three times: configural, group.equal =
# "loadings" (metric) and c("loadings", "intercepts") (scalar); ML with lavaan's defaults (marker loading 1,
# listwise deletion, likelihood "normal", baseline = independence model per group). lavaan's default optimiser
# (nlminb, rel.tol 1e-10; tighter tolerances make nlminb report false convergence) stops ~1e-5 (relative) from the
# optimum in the estimates, so the fits the tests use run optim.method = "BFGS" with reltol 1e-16 ("precise":
# chi-square within ~1e-12 and estimates within ~1e-6 of the optimum); the default fit's chi-square is recorded
# beside them. Fit measures: fitMeasures(); differences: lavTestLRT() (standard chi-square difference for ML).
# Data: psych::bfi (bfi.csv.gz, read from that file, reverse-keyed items turned around as 7 - x) and generated
# layers with known (non-)invariance (integer answers 1..5, stored in the JSON).

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

precise <- list(reltol = 1e-16, maxit = 1e5)
measures <- c("chisq", "df", "pvalue", "cfi", "rmsea", "baseline.chisq", "baseline.df", "ntotal", "logl")

estimates <- function(fit, items) {
  pe <- parameterEstimates(fit)
  per_group <- function(op, lhs = NULL, rhs = NULL) {
    lapply(seq_len(lavInspect(fit, "ngroups")), function(g) {
      s <- pe[pe$op == op & pe$group == g, ]
      if (!is.null(lhs)) s <- s[s$lhs %in% lhs, ]
      if (!is.null(rhs)) s <- s[s$rhs %in% rhs, ]
      unname(s$est)
    })
  }
  list(
    loadings = lapply(per_group("=~"), identity),
    residual_variances = lapply(seq_along(per_group("=~")), function(g) {
      s <- pe[pe$op == "~~" & pe$group == g & pe$lhs == pe$rhs & pe$lhs %in% items, ]
      unname(s$est[match(items, s$lhs)])
    }),
    factor_variances = sapply(per_group("~~", lhs = "f", rhs = "f"), identity),
    intercepts = lapply(seq_along(per_group("=~")), function(g) {
      s <- pe[pe$op == "~1" & pe$group == g & pe$lhs %in% items, ]
      unname(s$est[match(items, s$lhs)])
    }),
    factor_means = sapply(per_group("~1", lhs = "f"), identity)
  )
}

invariance_case <- function(d, items, group) {
  model <- paste("f =~", paste(items, collapse = " + "))
  d <- d[!is.na(d[[group]]), c(items, group)]
  levels <- list(configural = "", metric = "loadings", scalar = c("loadings", "intercepts"))
  fits <- lapply(levels, function(eq) cfa(model, d, group = group, group.equal = eq, optim.method = "BFGS",
                                          control = precise))
  defaults <- lapply(levels, function(eq) cfa(model, d, group = group, group.equal = eq))
  lrt <- lavTestLRT(fits$configural, fits$metric, fits$scalar)
  models <- lapply(names(fits), function(nm) {
    c(as.list(fitMeasures(fits[[nm]], measures)),
      list(converged = lavInspect(fits[[nm]], "converged"),
           chisq_default_optimizer = unname(fitMeasures(defaults[[nm]], "chisq"))),
      estimates(fits[[nm]], items))
  })
  names(models) <- names(fits)
  list(groups = lavInspect(fits$configural, "group.label"), n = unname(lavInspect(fits$configural, "nobs")),
       models = models,
       lrt = list(chisq_diff = unname(lrt$`Chisq diff`[2:3]), df_diff = unname(lrt$`Df diff`[2:3]),
                  p = unname(lrt$`Pr(>Chisq)`[2:3])))
}

cases <- list()
add <- function(name, data_desc, d, items, group) {
  cases[[length(cases) + 1]] <<- list(
    name = name, data = data_desc, items = items, group = group,
    call = sprintf("cfa('f =~ %s', data, group = '%s', group.equal = <none | loadings | loadings, intercepts>, optim.method = 'BFGS', control = list(reltol = 1e-16, maxit = 1e5)); fitMeasures(); lavTestLRT()",
                   paste(items, collapse = " + "), group),
    value = invariance_case(d, items, group))
}

bfi <- read.csv(gzfile(file.path(here, "bfi.csv.gz")))
keyed <- bfi
for (it in c("A1", "C4", "C5", "E1", "E2", "O2", "O5")) keyed[[it]] <- 7 - keyed[[it]]
add("bfi agreeableness by gender", list(file = "bfi.csv.gz", reverse = "A1 as 7 - A1"), keyed,
    c("A1", "A2", "A3", "A4", "A5"), "gender")
add("bfi openness by education (5 groups)", list(file = "bfi.csv.gz", reverse = "O2, O5 as 7 - x"), keyed,
    c("O1", "O2", "O3", "O4", "O5"), "education")
add("bfi neuroticism by gender", list(file = "bfi.csv.gz"), keyed, c("N1", "N2", "N3", "N4", "N5"), "gender")
add("bfi conscientiousness, 3 items, by gender (configural df = 0)", list(file = "bfi.csv.gz"), keyed,
    c("C1", "C2", "C3"), "gender")

# Generated layers: answers 1..5 from a one-factor model; "alike": same loadings and intercepts; "loadings":
# item 3 loads weakly for leaders; "intercepts": leaders answer item 2 one point higher at the same factor level.
gen <- function(seed, kind) {
  set.seed(seed)
  sizes <- c(employee = 500, `team leader` = 160, `department head` = 70)
  out <- list()
  for (g in names(sizes)) {
    n <- sizes[[g]]
    eta <- rnorm(n, if (g == "employee") 0 else 0.3, 1)
    lam <- c(0.8, 0.7, 0.75, 0.6)
    nu <- c(3.2, 3.0, 3.4, 2.9)
    if (kind == "loadings" && g == "team leader") lam[3] <- 0.1
    if (kind == "intercepts" && g == "team leader") nu[2] <- 4.0
    x <- sapply(1:4, function(i) pmin(5, pmax(1, round(nu[i] + lam[i] * eta + rnorm(n, 0, 0.6)))))
    colnames(x) <- paste0("q", 1:4)
    out[[g]] <- data.frame(x, layer = g)
  }
  d <- do.call(rbind, out)
  d$q1[sample(nrow(d), 15)] <- NA
  d
}
for (kind in c("alike", "loadings", "intercepts")) {
  d <- gen(switch(kind, alike = 11, loadings = 12, intercepts = 13), kind)
  add(paste("generated layers:", kind), list(inline = TRUE, q1 = d$q1, q2 = d$q2, q3 = d$q3, q4 = d$q4,
                                             layer = d$layer), d, paste0("q", 1:4), "layer")
}

out <- list(
  provenance = list(
    script = "tests/stats/reference/make_invariance_reference.R",
    R = R.version.string,
    packages = list(lavaan = as.character(packageVersion("lavaan")), jsonlite = as.character(packageVersion("jsonlite"))),
    generated = as.character(Sys.Date()),
    optimizer = "optim.method = 'BFGS', control = list(reltol = 1e-16, maxit = 1e5); chisq_default_optimizer: lavaan's default nlminb"
  ),
  cases = cases
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path(here, "invariance.json"))
cat("wrote", file.path(here, "invariance.json"), "\n")
