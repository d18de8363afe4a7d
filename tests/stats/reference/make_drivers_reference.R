# Driver analysis reference (app/stats/drivers.py): R² by lm on every subset of predictors, general dominance / LMG
# as the average over all p! orderings of the R² increments (the definition, not the subset-weight shortcut the
# Python code uses), and Johnson's (2000) relative weights from their formula with eigen().
# Base R and jsonlite only (relaimpo is not installed here; its calc.relimp(type = "lmg") computes the same LMG).
# Run from the repository root: Rscript tests/stats/reference/make_drivers_reference.R
library(jsonlite)
here <- "tests/stats/reference"
set.seed(20261216)

r2_of <- function(d, y, xs) if (length(xs) == 0) 0 else summary(lm(reformulate(xs, y), data = d))$r.squared

perms <- function(v) if (length(v) <= 1) list(v) else
  do.call(c, lapply(seq_along(v), function(i) lapply(perms(v[-i]), function(p) c(v[i], p))))

lmg <- function(d, y, xs) {
  cache <- new.env()
  r2 <- function(s) { key <- paste0("~", paste(sort(s), collapse = "+")); if (is.null(cache[[key]])) cache[[key]] <- r2_of(d, y, sort(s)); cache[[key]] }
  orders <- perms(xs)
  w <- setNames(numeric(length(xs)), xs)
  for (o in orders) for (k in seq_along(o)) w[o[k]] <- w[o[k]] + r2(o[seq_len(k)]) - r2(o[seq_len(k - 1)])
  list(r2 = r2(xs), lmg = unname(w / length(orders)), n_orderings = length(orders))
}

johnson <- function(d, y, xs) {
  R <- cor(d[, xs]); r <- cor(d[, xs], d[[y]])[, 1]
  e <- eigen(R, symmetric = TRUE)
  half <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  beta <- solve(half, r)
  unname(as.vector((half^2) %*% beta^2))
}

entry <- function(name, d, y, xs, note) {
  d <- d[complete.cases(d[, c(xs, y)]), ]
  l <- lmg(d, y, xs)
  list(name = name, note = note, outcome = y, predictors = xs, n = nrow(d), r_squared = l$r2,
       r_squared_call = sprintf("summary(lm(%s ~ %s))$r.squared", y, paste(xs, collapse = " + ")),
       lmg = l$lmg, lmg_call = sprintf("mean over the %d orderings of the lm R² increments", l$n_orderings),
       relative_weights = johnson(d, y, xs),
       relative_weights_call = "eigen(cor(X)): half = V sqrt(L) V'; beta = solve(half, cor(X, y)); (half^2) %*% beta^2")
}

write_gz <- function(x, name) { con <- gzfile(file.path(here, name), "w"); write.csv(x, con, row.names = FALSE); close(con) }

# psych::bfi (tests/stats/reference/bfi.csv.gz): scale scores = means of keyed items (7 - x for reverse keys),
# rows with all 25 items; neuroticism on the other four scales and gender.
bfi <- read.csv(file.path(here, "bfi.csv.gz"))
keys <- list(agree = c("-A1", "A2", "A3", "A4", "A5"), conscientious = c("C1", "C2", "C3", "-C4", "-C5"),
             extraversion = c("-E1", "-E2", "E3", "E4", "E5"), neuroticism = c("N1", "N2", "N3", "N4", "N5"),
             openness = c("O1", "-O2", "O3", "O4", "-O5"))
items <- unlist(lapply(keys, sub, pattern = "-", replacement = ""))
b <- bfi[complete.cases(bfi[, items]), ]
scores <- as.data.frame(lapply(keys, function(k) rowMeans(sapply(k, function(i)
  if (startsWith(i, "-")) 7 - b[[sub("-", "", i)]] else b[[i]]))))
scores$gender <- b$gender

# psych::sat.act (sat_act.csv.gz): ACT on SATV, SATQ, age, education, gender (SATQ has NAs: complete cases).
sat <- read.csv(file.path(here, "sat_act.csv.gz"))

# Generated, known weights: five predictors with a sample correlation of exactly I (orthonormalised) and an outcome
# whose correlations with them are exactly r = (.5, .3, .2, .1, 0): then LMG = relative weight = r^2 and R² = .39.
n <- 400
z <- scale(qr.Q(qr(cbind(1, matrix(rnorm(n * 6), n)))))[, -1]
known <- c(0.5, 0.3, 0.2, 0.1, 0)
y <- z[, 1:5] %*% known + sqrt(1 - sum(known^2)) * z[, 6]
orth <- data.frame(round(z[, 1:5] * 0.6 + 3, 12), y = round(y[, 1], 12))
names(orth) <- c("x1", "x2", "x3", "x4", "x5", "y")
write_gz(orth, "drivers_orthogonal.csv.gz")
orth <- read.csv(file.path(here, "drivers_orthogonal.csv.gz"))

# Generated, correlated: x1, x2 correlated .6, x3 .3 with x1, x4 independent, x5 unrelated to y; 1..5 survey-like
# scores (means of five answers) with 5% missing per column.
n <- 1500
f <- matrix(rnorm(n * 5), n)
x <- cbind(f[, 1], 0.6 * f[, 1] + 0.8 * f[, 2], 0.3 * f[, 1] + sqrt(0.91) * f[, 3], f[, 4], f[, 5])
yy <- x %*% c(0.45, 0.25, 0.15, 0.2, 0) + rnorm(n, sd = 0.9)
to_score <- function(v) pmin(5, pmax(1, round((3 + 0.7 * as.vector(scale(v))) * 5) / 5))
corr_d <- as.data.frame(apply(cbind(x, yy), 2, to_score))
names(corr_d) <- c("x1", "x2", "x3", "x4", "x5", "y")
for (j in names(corr_d)) corr_d[[j]][sample(n, n * 0.05)] <- NA
write_gz(corr_d, "drivers_correlated.csv.gz")
corr_d <- read.csv(file.path(here, "drivers_correlated.csv.gz"))

cases <- list(
  entry("bfi", scores, "neuroticism", c("agree", "conscientious", "extraversion", "openness", "gender"),
        "psych::bfi rows with all 25 items; scale score = mean of keyed items (reverse: 7 - x)"),
  entry("sat_act", sat, "ACT", c("SATV", "SATQ", "age", "education", "gender"), "psych::sat.act complete cases"),
  entry("sat_act_two", sat, "ACT", c("SATV", "SATQ"), "two predictors"),
  entry("orthogonal", orth, "y", paste0("x", 1:5), "generated: exactly orthogonal predictors, weights = r^2"),
  entry("correlated", corr_d, "y", paste0("x", 1:5), "generated: correlated predictors, survey-like, 5% missing"))
cases[[4]]$known_weights <- known^2

out <- list(
  cases = cases,
  provenance = list(script = "tests/stats/reference/make_drivers_reference.R", R = R.version.string,
                    psych_data = "bfi.csv.gz and sat_act.csv.gz as written by make_reference.R (psych 2.2.9)",
                    jsonlite = as.character(packageVersion("jsonlite")),
                    relaimpo = if (requireNamespace("relaimpo", quietly = TRUE))
                      as.character(packageVersion("relaimpo")) else "not installed",
                    date = as.character(Sys.Date())))
write_json(out, file.path(here, "drivers.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
