# Reference values for hepatrial.stats.by_visit.
# Run from this directory:  Rscript make_reference.R
# Summaries: n, mean, sd (n - 1), median, quantile type 7 (R's default) Q1/Q3, min, max of
# nlme::Orthodont distance and of its change from the age-8 value, per age x Sex.
# Rank-sum tests: stats::wilcox.test(x, y, ...) with its defaults unless stated.
suppressPackageStartupMessages({
  library(nlme)
  library(survival)
})
options(digits = 17)

orth <- data.frame(Subject = as.character(Orthodont$Subject), age = Orthodont$age,
                   Sex = as.character(Orthodont$Sex), distance = Orthodont$distance)
base <- orth[orth$age == 8, c("Subject", "distance")]
names(base)[2] <- "base"
orth <- merge(orth, base, by = "Subject")
orth$change <- orth$distance - orth$base
orth <- orth[order(orth$Subject, orth$age), c("Subject", "age", "Sex", "distance", "change")]
write.csv(orth, "orthodont.csv", row.names = FALSE)
write.csv(aml, "aml.csv", row.names = FALSE)
write.csv(ovarian[, c("futime", "fustat", "rx")], "ovarian.csv", row.names = FALSE)

summ <- NULL
for (variable in c("distance", "change")) {
  for (a in sort(unique(orth$age))) {
    for (s in c("Female", "Male")) {
      v <- orth[orth$age == a & orth$Sex == s, variable]
      q <- quantile(v, c(0.25, 0.75), type = 7)
      summ <- rbind(summ, data.frame(variable = variable, age = a, Sex = s, n = length(v),
                                     mean = mean(v), sd = sd(v), median = median(v),
                                     q1 = q[[1]], q3 = q[[2]], min = min(v), max = max(v)))
    }
  }
}
write.csv(summ, "orthodont_summary.csv", row.names = FALSE)

wrow <- function(case, x, y, ...) {
  t <- suppressWarnings(wilcox.test(x, y, ...))
  args <- list(...)
  data.frame(case = case,
             alternative = if (is.null(args$alternative)) "two.sided" else args$alternative,
             exact = if (is.null(args$exact)) NA else args$exact,
             correct = if (is.null(args$correct)) TRUE else args$correct,
             W = unname(t$statistic), p_value = t$p.value, method = t$method)
}
tests <- NULL
for (a in sort(unique(orth$age))) {
  for (variable in c("distance", "change")) {
    if (variable == "change" && a == 8) next
    x <- orth[orth$age == a & orth$Sex == "Male", variable]
    y <- orth[orth$age == a & orth$Sex == "Female", variable]
    tests <- rbind(tests, wrow(paste0("orthodont_", variable, "_age", a), x, y))
  }
}
x <- aml$time[aml$x == "Maintained"]
y <- aml$time[aml$x == "Nonmaintained"]
tests <- rbind(tests,
  wrow("aml_time", x, y),
  wrow("aml_time", x, y, alternative = "less"),
  wrow("aml_time", x, y, alternative = "greater"),
  wrow("aml_time", x, y, correct = FALSE))
x <- ovarian$futime[ovarian$rx == 1]
y <- ovarian$futime[ovarian$rx == 2]
tests <- rbind(tests,
  wrow("ovarian_futime", x, y),
  wrow("ovarian_futime", x, y, alternative = "less"),
  wrow("ovarian_futime", x, y, alternative = "greater"),
  wrow("ovarian_futime", x, y, exact = FALSE),
  wrow("ovarian_futime", x, y, exact = FALSE, correct = FALSE))
write.csv(tests, "wilcox.csv", row.names = FALSE)

# Hodges-Lehmann shift and its exact interval (no ties, both samples < 50: closed form in R).
hl <- NULL
for (alt in c("two.sided", "less", "greater")) {
  for (level in c(0.95, 0.9)) {
    t <- wilcox.test(x, y, alternative = alt, conf.int = TRUE, conf.level = level)
    hl <- rbind(hl, data.frame(case = "ovarian_futime", alternative = alt, conf_level = level,
                               estimate = unname(t$estimate), conf_low = t$conf.int[1],
                               conf_high = t$conf.int[2], achieved_level = attr(t$conf.int, "conf.level")))
  }
}
# Samples too small for the requested level: R falls back to the widest interval it has.
t <- suppressWarnings(wilcox.test(c(1.5, 2.25), c(3.1, 4.7, 0.2), conf.int = TRUE))
hl <- rbind(hl, data.frame(case = "tiny", alternative = "two.sided", conf_level = 0.95,
                           estimate = unname(t$estimate), conf_low = t$conf.int[1],
                           conf_high = t$conf.int[2], achieved_level = attr(t$conf.int, "conf.level")))
write.csv(hl, "hodges_lehmann.csv", row.names = FALSE)

# With ties R's shift is a uniroot search (tol 1e-4) on the asymptotic statistic.
x <- aml$time[aml$x == "Maintained"]
y <- aml$time[aml$x == "Nonmaintained"]
t <- suppressWarnings(wilcox.test(x, y, conf.int = TRUE))
write.csv(data.frame(case = "aml_time", estimate = unname(t$estimate),
                     median_pairwise_difference = median(outer(x, y, "-"))),
          "hodges_lehmann_normal.csv", row.names = FALSE)

writeLines(c(R.version.string, paste("nlme", packageVersion("nlme")),
             paste("survival", packageVersion("survival"))), "versions.txt")
