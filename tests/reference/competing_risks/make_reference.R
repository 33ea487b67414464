# Reference values for hepatrial.stats.cumulative_incidence and hepatrial.stats.gray_test.
# Run from this directory:  Rscript make_reference.R
# Dataset: mgus2 (R package survival). Competing-risks time and status built as in the survival
# package's "compete" vignette: progression to plasma-cell malignancy (PCM, cause 1) with death
# before PCM as the competing event (cause 2); 0 = censored.
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})
options(digits = 17)

d <- mgus2
d$etime <- with(d, ifelse(pstat == 0, futime, ptime))
d$event <- with(d, ifelse(pstat == 0, 2 * death, 1))
out <- d[, c("id", "sex", "etime", "event")]
write.csv(out, "mgus2_competing.csv", row.names = FALSE)

times <- c(0, 6, 12, 24, 36, 60, 90, 120, 180, 240, 300, 360, 400, 430)

write_points <- function(fit, file) {
  tp <- timepoints(fit, times)
  rows <- list()
  for (curve in rownames(tp$est)) {
    parts <- strsplit(curve, " ")[[1]]
    rows[[curve]] <- data.frame(
      group = parts[1], cause = as.integer(parts[2]), time = times,
      est = as.numeric(tp$est[curve, ]), var = as.numeric(tp$var[curve, ])
    )
  }
  res <- do.call(rbind, rows)
  write.csv(res, file, row.names = FALSE, na = "NA")
}

# By sex: curves and Gray's test (rho = 0).
fit_sex <- cuminc(d$etime, d$event, group = d$sex, cencode = 0)
write_points(fit_sex, "cuminc_by_sex.csv")
tests <- fit_sex$Tests
write.csv(data.frame(cause = as.integer(rownames(tests)), stat = tests[, "stat"],
                     pv = tests[, "pv"], df = tests[, "df"]),
          "gray_test_by_sex.csv", row.names = FALSE)

# Without a group: one curve per cause.
fit_all <- cuminc(d$etime, d$event, cencode = 0)
write_points(fit_all, "cuminc_overall.csv")

# A three-group comparison (age at diagnosis tertile) exercises the K-sample covariance.
d$agegrp <- cut(d$age, breaks = c(-Inf, 63, 74, Inf), labels = c("a", "b", "c"))
write.csv(d[, c("id", "agegrp", "etime", "event")], "mgus2_competing_age.csv", row.names = FALSE)
fit_age <- cuminc(d$etime, d$event, group = d$agegrp, cencode = 0)
tests <- fit_age$Tests
write.csv(data.frame(cause = as.integer(rownames(tests)), stat = tests[, "stat"],
                     pv = tests[, "pv"], df = tests[, "df"]),
          "gray_test_by_age.csv", row.names = FALSE)
write_points(fit_age, "cuminc_by_age.csv")

writeLines(c(R.version.string,
             paste("survival", packageVersion("survival")),
             paste("cmprsk", packageVersion("cmprsk"))), "versions.txt")
