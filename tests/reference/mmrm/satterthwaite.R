# Reference values for the Satterthwaite degrees of freedom of hepatrial.stats.mmrm.
# A random-intercept linear mixed model equals a compound-symmetry MMRM when the between-subject
# variance is positive, so lmerTest's Satterthwaite df (Kuznetsova, Brockhoff & Christensen 2017,
# J. Stat. Softw. 82(13)) for lmer(y ~ ... + (1 | subject), REML) are the reference for the CS fit.
# Kenward-Roger df (pbkrtest) are recorded for information only. Same data and configurations as
# make_reference.R (nlme::Orthodont; Sex as the "arm"; ages as visits).
# Run from this directory: Rscript satterthwaite.R
suppressPackageStartupMessages({
  library(nlme)
  library(lme4)
  library(lmerTest)
  library(pbkrtest)
})

d <- read.csv("orthodont.csv", stringsAsFactors = FALSE)
full <- d
base <- d[d$age == 8, c("subject", "distance")]
names(base)[2] <- "baseline"
post <- merge(d[d$age > 8, ], base, by = "subject")
miss <- read.csv("orthodont_missing.csv", stringsAsFactors = FALSE)
prep <- function(x) {
  x$visit <- factor(x$age)
  x$arm <- factor(x$sex)  # levels Female (reference), Male
  x[order(x$subject, x$age), ]
}
configs <- list(full = list(data = prep(full), baseline = FALSE),
                baseline = list(data = prep(post), baseline = TRUE),
                missing = list(data = prep(miss), baseline = TRUE))

rows <- list()
for (cn in names(configs)) {
  cfg <- configs[[cn]]
  f <- if (cfg$baseline) distance ~ baseline + visit + visit:arm + (1 | subject) else
    distance ~ visit + visit:arm + (1 | subject)
  fit <- lmer(f, data = cfg$data, REML = TRUE,
              control = lmerControl(optimizer = "bobyqa",
                                    optCtrl = list(rhobeg = 0.2, rhoend = 1e-12, maxfun = 1e5)))
  vc <- as.data.frame(VarCorr(fit))
  stopifnot(vc$vcov[1] > 0)  # positive between-subject variance: the model is the CS MMRM
  sat <- summary(fit, ddf = "Satterthwaite")$coefficients
  kr <- summary(fit, ddf = "Kenward-Roger")$coefficients
  rows[[length(rows) + 1]] <- data.frame(
    config = cn, position = seq_len(nrow(sat)), term = rownames(sat),
    estimate = sat[, "Estimate"], std_error = sat[, "Std. Error"], df = sat[, "df"],
    t_value = sat[, "t value"], p_value = sat[, "Pr(>|t|)"],
    kr_std_error = kr[, "Std. Error"], kr_df = kr[, "df"],
    loglik = as.numeric(logLik(fit)), between_variance = vc$vcov[1],
    within_variance = vc$vcov[2])
}
fmt <- function(x) {
  x[] <- lapply(x, function(col) if (is.numeric(col)) format(col, digits = 15, trim = TRUE) else col)
  x
}
write.csv(fmt(do.call(rbind, rows)), "satterthwaite.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("nlme", packageVersion("nlme")),
             paste("lme4", packageVersion("lme4")), paste("lmerTest", packageVersion("lmerTest")),
             paste("pbkrtest", packageVersion("pbkrtest"))), "satterthwaite_versions.txt")
