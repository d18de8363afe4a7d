# One questionnaire, two answer scales: "sharing" on 1..5 (sharing_2 reverse-keyed) and "trying" on 0..4 (trying_2
# reverse-keyed), answered by two teams. rwg(j) per team and dimension by multilevel::rwg.j with ranvar set per
# dimension from its own number of options A: (A^2 - 1) / 12 = 2 for both five-point scales -- the envelope 0..5
# (A = 6, ranvar 35/12) would be wrong. Keyed first (rwg.j does not depend on keying; done so the file can also be
# read as the scores). Run from the repository root: Rscript tests/stats/reference/make_dimension_scales_reference.R
# (needs r-cran-multilevel r-cran-jsonlite).
library(multilevel)
library(jsonlite)
here <- "tests/stats/reference"
set.seed(20261205)

team <- function(name, n, centre) {
  person <- rnorm(n, 0, 0.6)
  one <- function(lo, hi, reverse, shift) {
    x <- pmin(pmax(round(centre + shift + person + rnorm(n, 0, 0.7)), lo), hi)
    if (reverse) lo + hi - x else x
  }
  data.frame(unit = name, layer = "employee",
             sharing_1 = one(1, 5, FALSE, 0.5), sharing_2 = one(1, 5, TRUE, 0.5), sharing_3 = one(1, 5, FALSE, 0.5),
             trying_1 = one(0, 4, FALSE, -0.8), trying_2 = one(0, 4, TRUE, -0.8))
}
rows <- rbind(team("Town/A", 14, 3.0), team("Town/B", 11, 2.2))
write.csv(rows, gzfile(file.path(here, "dimension_scales.csv.gz")), row.names = FALSE, quote = FALSE)

keyed <- rows
keyed$sharing_2 <- 1 + 5 - rows$sharing_2
keyed$trying_2 <- 0 + 4 - rows$trying_2
ranvar <- function(lo, hi) { a <- hi - lo + 1; (a^2 - 1) / 12 }
rwgj <- function(cols, lo, hi) {
  r <- rwg.j(keyed[, cols], keyed$unit, ranvar = ranvar(lo, hi))
  setNames(as.list(r$rwg.j), as.character(r$grpid))
}
out <- list(
  call = "rwg.j(keyed[, items], keyed$unit, ranvar = (A^2 - 1) / 12) with A the dimension's own number of options",
  ranvar = list(sharing = ranvar(1, 5), trying = ranvar(0, 4), envelope_0_5 = ranvar(0, 5)),
  rwg_j = list(sharing = rwgj(c("sharing_1", "sharing_2", "sharing_3"), 1, 5),
               trying = rwgj(c("trying_1", "trying_2"), 0, 4)),
  rwg_j_envelope_wrong = list(trying = rwgj(c("trying_1", "trying_2"), 0, 5)),
  provenance = list(script = "tests/stats/reference/make_dimension_scales_reference.R", R = R.version.string,
                    multilevel = as.character(packageVersion("multilevel")),
                    jsonlite = as.character(packageVersion("jsonlite")), date = as.character(Sys.Date())))
write_json(out, file.path(here, "dimension_scales.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
