# The tests across teams and the statements' fit, end to end: run from the repository root with
#   Rscript tests/stats/reference/make_teams_reference.R
# Needs R (>= 4.2) with psych, multilevel and jsonlite (Debian: r-base-core r-cran-psych r-cran-multilevel).
# It generates one organisation's answers to the built-in questionnaire (teams_org.csv.gz: the response import's
# columns unit, layer and one per item) and writes teams.json: what the agreement and profile reports must show for
# it. tests/reports/test_across_teams.py imports the CSV through the API and compares; it never needs R.
#
# The organisation: a department with five teams of 7 to 15 employees that differ in how they lean, and two teams of
# 2 and 3 (below the minimum group size of 5: hidden, their answers count with the department). About 3 % of the
# answers of the five are blank, so each dimension rests on the respondents who answered all of its statements
# (complete cases per dimension), as the reports do. Only the visible teams enter the tests across teams: the five,
# less any with fewer than 5 complete cases on the dimension.

suppressPackageStartupMessages({
  library(psych)
  library(multilevel)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
out <- function(name) file.path(here, name)
q <- fromJSON("app/questionnaires/builtin/culture_gap.json", simplifyVector = FALSE)

set.seed(20261205)
teams <- data.frame(unit = c("Dept/Anker", "Dept/Baken", "Dept/Dijk", "Dept/Haven", "Dept/Sluis", "Dept/Pair",
                             "Dept/Trio"),
                    n = c(12, 9, 15, 8, 10, 2, 3), shift = c(0, 0.35, 0.8, -0.3, 0.15, 1.5, -1.5))
visible <- teams$unit[teams$n >= 5]
keys <- unlist(lapply(q$dimensions, function(d) sapply(d$items, function(i) i$key)))
reverse <- unlist(lapply(q$dimensions, function(d) sapply(d$items, function(i) isTRUE(i$reverse))))
dim_of <- unlist(lapply(q$dimensions, function(d) rep(d$key, length(d$items))))
rows <- list()
for (t in seq_len(nrow(teams))) for (p in seq_len(teams$n[t])) {
  person <- rnorm(1, 0, 0.5)
  x <- pmin(pmax(round(3.2 + teams$shift[t] + person + rnorm(length(keys), 0, 0.7)), 1), 5)
  x <- ifelse(reverse, 6 - x, x)
  if (teams$n[t] >= 5) x[runif(length(keys)) < 0.03] <- NA  # the small teams answer everything
  rows[[length(rows) + 1]] <- c(list(unit = teams$unit[t], layer = "employee"), as.list(setNames(x, keys)))
}
data <- do.call(rbind, lapply(rows, as.data.frame))
con <- gzfile(out("teams_org.csv.gz"), "w")
write.csv(data, con, row.names = FALSE, na = "")
close(con)

ref <- function(call, value) list(call = call, value = value)
games_howell_r <- function(y, g, level = 0.95) {  # as make_reference.R: Welch t and df per pair, ptukey
  g <- factor(g); lv <- levels(g); k <- length(lv)
  n <- tapply(y, g, length); m <- tapply(y, g, mean); v <- tapply(y, g, var)
  res <- list()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    se2 <- v[i] / n[i] + v[j] / n[j]
    df <- se2^2 / ((v[i] / n[i])^2 / (n[i] - 1) + (v[j] / n[j])^2 / (n[j] - 1))
    t <- (m[i] - m[j]) / sqrt(se2)
    p <- ptukey(sqrt(2) * abs(t), k, df, lower.tail = FALSE)
    qq <- uniroot(function(q) ptukey(q, k, df) - level, c(1, 20), tol = 1e-12)$root
    half <- qq * sqrt(se2) / sqrt(2)
    res[[length(res) + 1]] <- list(first = lv[i], second = lv[j], diff = unname(m[i] - m[j]), t = unname(t),
                                   df = unname(df), p = unname(p), ci = unname(c(m[i] - m[j] - half,
                                                                                  m[i] - m[j] + half)))
  }
  res
}

dimensions <- list()
p_welch <- p_oneway <- p_kruskal <- c()
for (d in q$dimensions) {
  idx <- which(dim_of == d$key)
  x <- as.matrix(data[, keys[idx]])
  x <- ifelse(matrix(reverse[idx], nrow(x), length(idx), byrow = TRUE), 6 - x, x)  # keyed
  complete <- complete.cases(x)
  score <- rowMeans(x)
  n_team <- tapply(complete, data$unit, sum)
  inside <- complete & data$unit %in% visible & n_team[data$unit] >= 5  # a team below 5 on the dimension is hidden
  y <- score[inside]; g <- data$unit[inside]
  w <- oneway.test(y ~ g, var.equal = FALSE)
  o <- oneway.test(y ~ g, var.equal = TRUE)
  kw <- kruskal.test(y ~ factor(g))
  r <- rwg.j(x[inside, ], g, ranvar = (5^2 - 1) / 12)
  a <- psych::alpha(x[complete, ], check.keys = FALSE, warnings = FALSE)  # the whole organisation's family
  p_welch <- c(p_welch, w$p.value); p_oneway <- c(p_oneway, o$p.value); p_kruskal <- c(p_kruskal, kw$p.value)
  dimensions[[d$key]] <- list(
    teams = ref("the visible teams' scale scores (complete cases of the dimension)",
                lapply(split(y, g), function(v) list(n = length(v), mean = mean(v)))),
    welch = ref("oneway.test(y ~ g, var.equal = FALSE)", list(f = unname(w$statistic), df = unname(w$parameter),
                                                               p = w$p.value)),
    oneway = ref("oneway.test(y ~ g, var.equal = TRUE)", list(f = unname(o$statistic), df = unname(o$parameter),
                                                              p = o$p.value)),
    kruskal = ref("kruskal.test(y ~ factor(g))", list(h = unname(kw$statistic), df = unname(kw$parameter),
                                                      p = kw$p.value)),
    games_howell = ref("games_howell_r(y, g) in this script", games_howell_r(y, g)),
    rwg_j = ref("multilevel::rwg.j(keyed items, g, ranvar = 2): mean and median over the visible teams",
                list(teams = setNames(as.list(r$rwg.j), as.character(r$grpid)), mean = mean(r$rwg.j),
                     median = median(r$rwg.j))),
    items = ref("psych::alpha(keyed items of the dimension's complete cases): item.stats$r.drop, alpha.drop$raw_alpha",
                list(keys = keys[idx], r_drop = unname(a$item.stats$r.drop),
                     alpha_drop = unname(a$alpha.drop$raw_alpha), alpha = a$total$raw_alpha))
  )
}
for (i in seq_along(dimensions)) {
  dimensions[[i]]$welch$value$p_holm <- p.adjust(p_welch, "holm")[i]
  dimensions[[i]]$oneway$value$p_holm <- p.adjust(p_oneway, "holm")[i]
  dimensions[[i]]$kruskal$value$p_holm <- p.adjust(p_kruskal, "holm")[i]
}
result <- list(visible = visible, dimensions = dimensions, provenance = list(
  script = "tests/stats/reference/make_teams_reference.R", R = R.version.string,
  packages = list(psych = as.character(packageVersion("psych")),
                  multilevel = as.character(packageVersion("multilevel")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  generated = format(Sys.Date())))
write_json(result, out("teams.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
