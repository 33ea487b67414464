# Reference values for hepatrial.stats.mmrm: REML generalised least squares (nlme::gls) on
# nlme::Orthodont (Potthoff & Roy 1964), Sex as the "arm", age 8/10/12/14 as the visits.
# Run from this directory: Rscript make_reference.R
suppressPackageStartupMessages(library(nlme))

d <- as.data.frame(Orthodont)
d <- data.frame(subject = as.character(d$Subject), age = d$age, sex = as.character(d$Sex),
                distance = d$distance, stringsAsFactors = FALSE)
d <- d[order(d$subject, d$age), ]
write.csv(d, "orthodont.csv", row.names = FALSE)

# Config "full": all four visits, no baseline covariate.
full <- d
full$visit <- factor(full$age)
full$arm <- factor(full$sex)  # levels Female (reference), Male
full$visitnum <- as.integer(full$visit)

# Config "baseline": distance at age 8 is the baseline, visits are ages 10, 12, 14.
base <- d[d$age == 8, c("subject", "distance")]
names(base)[2] <- "baseline"
post <- merge(d[d$age > 8, ], base, by = "subject")
post <- post[order(post$subject, post$age), ]
post$visit <- factor(post$age)
post$arm <- factor(post$sex)
post$visitnum <- as.integer(post$visit)

# Config "missing": the baseline config with a fixed set of post-baseline visits removed.
drop <- data.frame(subject = c("M02", "M05", "M05", "M09", "M13", "F03", "F07", "F10", "M16"),
                   age = c(14, 12, 14, 10, 12, 14, 10, 12, 14))
key <- paste(post$subject, post$age)
miss <- post[!(key %in% paste(drop$subject, drop$age)), ]
write.csv(miss[, c("subject", "age", "sex", "distance", "baseline")], "orthodont_missing.csv",
          row.names = FALSE)

fit_one <- function(data, structure, with_baseline) {
  f <- if (with_baseline) distance ~ baseline + visit + visit:arm else distance ~ visit + visit:arm
  nv <- nlevels(data$visit)
  ctrl <- glsControl(maxIter = 200, msMaxIter = 500, tolerance = 1e-10, msTol = 1e-12)
  switch(structure,
    unstructured = gls(f, data = data, method = "REML", control = ctrl,
                       correlation = corSymm(form = ~ visitnum | subject),
                       weights = varIdent(form = ~ 1 | visit)),
    toeplitz = gls(f, data = data, method = "REML", control = ctrl,
                   correlation = corARMA(form = ~ visitnum | subject, p = nv - 1, q = 0)),
    ar1 = gls(f, data = data, method = "REML", control = ctrl,
              correlation = corAR1(form = ~ visitnum | subject)),
    cs = gls(f, data = data, method = "REML", control = ctrl,
             correlation = corCompSymm(form = ~ visitnum | subject)))
}

configs <- list(full = list(data = full, baseline = FALSE),
                baseline = list(data = post, baseline = TRUE),
                missing = list(data = miss, baseline = TRUE))
structures <- c("unstructured", "toeplitz", "ar1", "cs")
coef_rows <- list(); fit_rows <- list(); cov_rows <- list()
for (cn in names(configs)) {
  cfg <- configs[[cn]]
  complete <- names(which(table(cfg$data$subject) == nlevels(cfg$data$visit)))[1]
  for (s in structures) {
    fit <- fit_one(cfg$data, s, cfg$baseline)
    tt <- summary(fit)$tTable
    dfr <- fit$dims$N - fit$dims$p
    q <- qt(0.975, dfr)
    coef_rows[[length(coef_rows) + 1]] <- data.frame(
      config = cn, structure = s, position = seq_len(nrow(tt)), term = rownames(tt),
      estimate = tt[, "Value"], std_error = tt[, "Std.Error"], t_value = tt[, "t-value"],
      p_value = tt[, "p-value"], lower = tt[, "Value"] - q * tt[, "Std.Error"],
      upper = tt[, "Value"] + q * tt[, "Std.Error"], df = dfr)
    fit_rows[[length(fit_rows) + 1]] <- data.frame(
      config = cn, structure = s, loglik = as.numeric(logLik(fit)), df_residual = dfr,
      sigma = fit$sigma, n_obs = fit$dims$N)
    v <- as.matrix(getVarCov(fit, individual = complete))
    ij <- expand.grid(i = seq_len(nrow(v)), j = seq_len(ncol(v)))
    cov_rows[[length(cov_rows) + 1]] <- data.frame(config = cn, structure = s, i = ij$i,
                                                   j = ij$j, value = v[cbind(ij$i, ij$j)])
  }
}
fmt <- function(x) { x[] <- lapply(x, function(col) if (is.numeric(col)) format(col, digits = 15, trim = TRUE) else col); x }
write.csv(fmt(do.call(rbind, coef_rows)), "gls_coef.csv", row.names = FALSE)
write.csv(fmt(do.call(rbind, fit_rows)), "gls_fit.csv", row.names = FALSE)
write.csv(fmt(do.call(rbind, cov_rows)), "gls_residual_covariance.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("nlme", packageVersion("nlme"))), "versions.txt")
