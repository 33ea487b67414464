# Reference values for hepatrial.stats.rmst and hepatrial.stats.one_year.
# Run from this directory:  Rscript make_reference.R
# RMST: survival's restricted mean, summary(survfit(...), rmean = tau)$table[, c("rmean", "se(rmean)")]
# (survRM2 is not in Debian; its per-arm variance is the same Greenwood-type integral and the
# variance of a difference between independent arms is the sum of the two).
suppressPackageStartupMessages(library(survival))
options(digits = 17)

write.csv(aml, "aml.csv", row.names = FALSE)
write.csv(veteran[, c("trt", "time", "status")], "veteran.csv", row.names = FALSE)

rm_rows <- function(fit, data, tau) {
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  data.frame(dataset = data, group = if (nrow(tab) == 1) "all" else sub(".*=", "", rownames(tab)),
             tau = tau, rmean = tab[, "rmean"], se_rmean = tab[, "se(rmean)"])
}
out <- rbind(
  rm_rows(survfit(Surv(time, status) ~ x, data = aml), "aml", 40),
  rm_rows(survfit(Surv(time, status) ~ x, data = aml), "aml", 100),
  rm_rows(survfit(Surv(time, status) ~ x, data = aml), "aml", 200),
  rm_rows(survfit(Surv(time, status) ~ 1, data = aml), "aml", 40),
  rm_rows(survfit(Surv(time, status) ~ trt, data = veteran), "veteran", 365),
  rm_rows(survfit(Surv(time, status) ~ trt, data = veteran), "veteran", 90)
)
write.csv(out, "rmst.csv", row.names = FALSE)

# One-year summaries on veteran (days): KM survival at 365 with its Greenwood standard error.
fit <- survfit(Surv(time, status) ~ trt, data = veteran)
s <- summary(fit, times = c(90, 365))
write.csv(data.frame(group = sub(".*=", "", as.character(s$strata)), time = s$time,
                     surv = s$surv, std_err = s$std.err),
          "km_at_times.csv", row.names = FALSE)

# Fisher's exact test and Clopper-Pearson intervals on a small 2x2 table of 1-year deaths
# (the size of this trial: 11 per arm).
deaths <- c(low = 3, high = 7); n <- c(low = 11, high = 11)
tab <- matrix(c(deaths, n - deaths), nrow = 2, dimnames = list(names(n), c("died", "alive")))
ft <- fisher.test(tab)
b1 <- binom.test(deaths[1], n[1]); b2 <- binom.test(deaths[2], n[2])
ft0 <- fisher.test(matrix(c(0, 4, 11, 7), nrow = 2))
b0 <- binom.test(0, 11)
write.csv(data.frame(
  quantity = c("fisher_p", "fisher_or", "cp_low_lower", "cp_low_upper", "cp_high_lower",
               "cp_high_upper", "fisher_p_zero", "cp_zero_lower", "cp_zero_upper"),
  value = c(ft$p.value, ft$estimate, b1$conf.int, b2$conf.int, ft0$p.value, b0$conf.int)
), "exact_tests.csv", row.names = FALSE)

writeLines(c(R.version.string, paste("survival", packageVersion("survival"))), "versions.txt")
