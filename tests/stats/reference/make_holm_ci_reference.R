# Holm-compatible simultaneous confidence intervals (Strassburger & Bretz 2008, two-sided form as in
# app/stats/holm_ci.py) for families of Welch t-tests, written out with base R only: t.test, p.adjust, qt.
# Run from the repository root: Rscript tests/stats/reference/make_holm_ci_reference.R (needs r-cran-jsonlite).
library(jsonlite)
here <- "tests/stats/reference"
set.seed(20261205)

sb <- function(est, se, df, p, alpha = 0.05) {
  adj <- p.adjust(p, method = "holm")
  rej <- adj < alpha
  m <- length(p); r <- sum(rej)
  gamma <- if (r < m) alpha / (m - r) else alpha / m
  half <- qt(1 - gamma / 2, df) * se
  low <- est - half; high <- est + half
  for (i in seq_len(m)) {
    if (!rej[i]) { low[i] <- min(low[i], 0); high[i] <- max(high[i], 0) }
    else if (est[i] > 0) { low[i] <- if (r == m) max(low[i], 0) else 0 }
    else { high[i] <- if (r == m) min(high[i], 0) else 0 }
  }
  list(adjusted = adj, excludes_zero = rej, low = low, high = high)
}

families <- list()
shifts <- list(c(0, 0.1, 0.6, -0.9, 0.2, 0.35), c(1.2, -1.0, 0.9, 1.5), c(0, 0.05, -0.1), c(0.5, 0.45, 0.4, -0.4, 0.3))
for (f in seq_along(shifts)) {
  est <- se <- df <- p <- numeric(0)
  for (s in shifts[[f]]) {
    x <- rnorm(sample(12:40, 1), 3.2 + s, 0.8); y <- rnorm(sample(12:40, 1), 3.2, 1.0)
    t <- t.test(x, y)  # Welch
    est <- c(est, unname(t$estimate[1] - t$estimate[2])); se <- c(se, t$stderr)
    df <- c(df, unname(t$parameter)); p <- c(p, t$p.value)
  }
  families[[f]] <- c(list(shifts = shifts[[f]], estimate = est, se = se, df = df, p = p), sb(est, se, df, p))
}
out <- list(
  call = "t.test(x, y) per test (Welch); p.adjust(p, 'holm'); bounds with qt(1 - gamma / 2, df) * stderr, see sb()",
  families = families,
  provenance = list(script = "tests/stats/reference/make_holm_ci_reference.R", R = R.version.string,
                    jsonlite = as.character(packageVersion("jsonlite")), date = as.character(Sys.Date())))
write_json(out, file.path(here, "holm_ci.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
