# The studentized range's tail and quantile, for the fast kernels of app/stats/_kernels.py: run from the
# repository root with  Rscript tests/stats/reference/make_ptukey_reference.R  (base R and jsonlite only).
# ptukey(q, k, df, lower.tail = FALSE) on random (q, k, df); the quantile solved precisely with uniroot on ptukey
# (qtukey is only ~4 decimals), as make_reference.R does for Games-Howell.
suppressPackageStartupMessages(library(jsonlite))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
set.seed(20261205)
tail_cases <- do.call(rbind, lapply(c(2, 3, 18, 45, 120), function(k) {
  q <- runif(12, 0.05, 8); df <- exp(runif(12, log(1.5), log(3000)))
  data.frame(k = k, q = q, df = df, sf = ptukey(q, k, df, lower.tail = FALSE))
}))
df <- exp(runif(10, log(2), log(3000)))
quantile <- data.frame(k = 30, level = 0.95, df = df, q = sapply(df, function(d)
  uniroot(function(q) ptukey(q, 30, d) - 0.95, c(1, 20), tol = 1e-12)$root))
write_json(list(
  sf = list(call = "ptukey(q, k, df, lower.tail = FALSE)", value = tail_cases),
  quantile = list(call = "uniroot(function(q) ptukey(q, k, df) - level, c(1, 20), tol = 1e-12)$root",
                  value = quantile),
  provenance = list(script = "tests/stats/reference/make_ptukey_reference.R", R = R.version.string,
                    packages = list(jsonlite = as.character(packageVersion("jsonlite"))),
                    generated = format(Sys.Date()))),
  file.path(here, "ptukey.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE, dataframe = "columns")
