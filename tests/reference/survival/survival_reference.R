# Reference values for hepatrial.stats survival methods (Kaplan-Meier, log-rank, Cox).
#
# Run from this directory:  Rscript survival_reference.R
# It writes the datasets it uses (data_*.csv) and R's results (ref_*.csv) next to itself, so the
# Python tests need neither R nor network access. Datasets are those shipped with R's survival
# package (Therneau, "A Package for Survival Analysis in R"); see the sessionInfo file for versions.
suppressPackageStartupMessages(library(survival))

write_ref <- function(df, name) {
  write.csv(df, name, row.names = FALSE, na = "NA")
}

# --- datasets -------------------------------------------------------------------------------
aml_d <- data.frame(time = aml$time, status = aml$status, x = as.character(aml$x))
lung_d <- data.frame(time = lung$time, event = as.integer(lung$status == 2), age = lung$age,
                     sex = lung$sex, ph_ecog = lung$ph.ecog)
veteran_d <- data.frame(time = veteran$time, status = veteran$status, trt = veteran$trt,
                        celltype = as.character(veteran$celltype), karno = veteran$karno,
                        diagtime = veteran$diagtime, age = veteran$age, prior = veteran$prior)
ovarian_d <- data.frame(futime = ovarian$futime, fustat = ovarian$fustat, age = ovarian$age,
                        rx = ovarian$rx, resid_ds = ovarian$resid.ds, ecog_ps = ovarian$ecog.ps)
options(digits = 17)
write.csv(aml_d, "data_aml.csv", row.names = FALSE)
write.csv(lung_d, "data_lung.csv", row.names = FALSE, na = "")
write.csv(veteran_d, "data_veteran.csv", row.names = FALSE)
write.csv(ovarian_d, "data_ovarian.csv", row.names = FALSE)

# --- Kaplan-Meier ---------------------------------------------------------------------------
km_tables <- list(); km_medians <- list(); km_at <- list()
km_case <- function(label, fit_formula, data, group_names, at_times) {
  for (ct in c("log", "log-log", "plain")) {
    fit <- survfit(fit_formula, data = data, conf.type = ct)
    strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
      rep(sub(".*=", "", names(fit$strata)), fit$strata)
    km_tables[[length(km_tables) + 1]] <<- data.frame(
      dataset = label, conf_type = ct, group = strata, time = fit$time, n_risk = fit$n.risk,
      n_event = fit$n.event, n_censor = fit$n.censor, surv = fit$surv,
      std_err = fit$std.err * fit$surv, lower = fit$lower, upper = fit$upper)
    tab <- summary(fit)$table
    if (is.null(dim(tab))) tab <- t(as.matrix(tab))
    gnames <- if (is.null(fit$strata)) "all" else sub(".*=", "", rownames(tab))
    km_medians[[length(km_medians) + 1]] <<- data.frame(
      dataset = label, conf_type = ct, group = gnames, median = tab[, "median"],
      lower = tab[, "0.95LCL"], upper = tab[, "0.95UCL"])
    s <- summary(fit, times = at_times, extend = TRUE)
    sg <- if (is.null(s$strata)) rep("all", length(s$time)) else sub(".*=", "", as.character(s$strata))
    km_at[[length(km_at) + 1]] <<- data.frame(
      dataset = label, conf_type = ct, group = sg, time = s$time, n_risk = s$n.risk,
      surv = s$surv, std_err = s$std.err, lower = s$lower, upper = s$upper)
  }
}
km_case("aml", Surv(time, status) ~ x, aml_d, NULL, c(10, 20, 30))
km_case("lung", Surv(time, event) ~ 1, lung_d, NULL, c(180, 365, 500))
km_case("lung_sex", Surv(time, event) ~ sex, lung_d, NULL, c(180, 365, 500))
write_ref(do.call(rbind, km_tables), "ref_km_table.csv")
write_ref(do.call(rbind, km_medians), "ref_km_median.csv")
write_ref(do.call(rbind, km_at), "ref_km_at.csv")

# --- log-rank -------------------------------------------------------------------------------
lr_rows <- list()
lr_case <- function(label, fit) {
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  df <- length(fit$n) - 1
  lr_rows[[length(lr_rows) + 1]] <<- data.frame(
    analysis = label, group = sub(".*=", "", names(fit$n)), n = as.vector(fit$n),
    observed = obs, expected = if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp, chisq = fit$chisq, df = df,
    p = pchisq(fit$chisq, df, lower.tail = FALSE))
}
lr_case("aml", survdiff(Surv(time, status) ~ x, data = aml_d))
lr_case("veteran_trt", survdiff(Surv(time, status) ~ trt, data = veteran_d))
lr_case("veteran_trt_strata_celltype",
        survdiff(Surv(time, status) ~ trt + strata(celltype), data = veteran_d))
lr_case("veteran_celltype", survdiff(Surv(time, status) ~ celltype, data = veteran_d))
lr_case("ovarian_rx", survdiff(Surv(futime, fustat) ~ rx, data = ovarian_d))
write_ref(do.call(rbind, lr_rows), "ref_logrank.csv")

# --- Cox proportional hazards ---------------------------------------------------------------
cox_coef <- list(); cox_tests <- list()
cox_case <- function(label, formula, data) {
  for (ties in c("efron", "breslow")) {
    fit <- coxph(formula, data = data, ties = ties)
    s <- summary(fit)
    cox_coef[[length(cox_coef) + 1]] <<- data.frame(
      analysis = label, ties = ties, term = names(coef(fit)), coef = coef(fit),
      se = sqrt(diag(vcov(fit))), hr = exp(coef(fit)),
      hr_lower = s$conf.int[, "lower .95"], hr_upper = s$conf.int[, "upper .95"],
      z = s$coefficients[, "z"], p = s$coefficients[, "Pr(>|z|)"])
    cox_tests[[length(cox_tests) + 1]] <<- data.frame(
      analysis = label, ties = ties, n = fit$n, n_event = fit$nevent,
      loglik_null = fit$loglik[1], loglik = fit$loglik[2],
      lr = s$logtest["test"], lr_df = s$logtest["df"], lr_p = s$logtest["pvalue"],
      # summary() rounds the Wald statistic for printing; the fit holds it unrounded.
      wald = fit$wald.test, wald_p = pchisq(fit$wald.test, length(coef(fit)), lower.tail = FALSE),
      score = fit$score, score_p = pchisq(fit$score, length(coef(fit)), lower.tail = FALSE),
      iter = fit$iter)
  }
}
cox_case("ovarian_rx_age", Surv(futime, fustat) ~ rx + age, ovarian_d)
cox_case("veteran", Surv(time, status) ~ trt + karno + diagtime + age + prior, veteran_d)
cox_case("lung", Surv(time, event) ~ age + sex + ph_ecog, lung_d)
write_ref(do.call(rbind, cox_coef), "ref_cox_coef.csv")
write_ref(do.call(rbind, cox_tests), "ref_cox_tests.csv")

writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
