#!/usr/bin/env Rscript
# Reference values for earlyphase.survival and earlyphase.stats, generated with R `survival`.
# Run from this folder:  Rscript generate_survival_refs.R
# Writes the CSV files beside this script (see README.md for versions and the exact calls).
suppressPackageStartupMessages({ library(survival); library(foreign) })
options(digits = 15)
here <- "."
wcsv <- function(df, name) write.csv(df, file.path(here, name), row.names = FALSE, na = "NA")

# ---------------------------------------------------------------- input datasets
# Public data shipped with R survival (aml, lung, ovarian, veteran) and small hand-made sets.
ds <- list()
ds$aml <- data.frame(time = aml$time, event = aml$status, group = as.character(aml$x), strata = "1")
lung2 <- lung[!is.na(lung$ph.ecog), ]
ds$lung <- data.frame(time = lung2$time, event = as.integer(lung2$status == 2),
                      group = ifelse(lung2$sex == 1, "male", "female"), strata = as.character(lung2$ph.ecog))
ds$ovarian <- data.frame(time = ovarian$futime, event = ovarian$fustat,
                         group = paste0("rx", ovarian$rx), strata = paste0("resid", ovarian$resid.ds))
ds$veteran <- data.frame(time = veteran$time, event = veteran$status,
                         group = paste0("trt", veteran$trt), strata = as.character(veteran$celltype))
# CAMIS example (PSIAIMS/CAMIS Comp/r-sas_survival): flat at exactly 0.5 up to the last
# (censored) observation; and the same with the last observation an event.
ds$flat_censored <- data.frame(time = c(54, 75, 77, 84, 87, 92, 103, 105, 112, 118),
                               event = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 0), group = "A", strata = "1")
ds$flat_event <- data.frame(time = c(54, 75, 77, 84, 87, 92, 103, 105, 112, 118),
                            event = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 1), group = "A", strata = "1")
# Flat at 0.5 between t = 4 and t = 7, then below (median = 5.5); flat at 0.75 in "quartile".
ds$flat_middle <- data.frame(time = 1:8, event = c(1, 1, 1, 1, 0, 0, 1, 1), group = "A", strata = "1")
ds$quartile_flat <- data.frame(time = c(1, 2, 3, 4), event = c(1, 1, 0, 1), group = "A", strata = "1")
# Ties, and censorings at the same times as events.
ds$ties <- data.frame(time = c(2, 2, 2, 3, 3, 5, 5, 5, 5, 8, 9, 9, 12, 12, 15),
                      event = c(1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0),
                      group = rep(c("a", "b"), length.out = 15), strata = "1")
# Median not reached (3 events in 12).
ds$not_reached <- data.frame(time = c(1.5, 2, 3.25, 4, 6, 6, 7, 9, 10, 11, 12, 12),
                             event = c(0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0), group = "A", strata = "1")
# Real CDISC pilot ADaM ADTTE (time to first dermatologic event); CNSR 1 = censored.
adtte <- read.xport("../../data/cdisc-pilot/adam/adtte.xpt")
ds$pilot_trta <- data.frame(time = adtte$AVAL, event = 1 - adtte$CNSR, group = as.character(adtte$TRTA),
                            strata = as.character(adtte$SEX))
ds$pilot_trtp <- data.frame(time = adtte$AVAL, event = 1 - adtte$CNSR, group = as.character(adtte$TRTP),
                            strata = as.character(adtte$AGEGR1))

for (nm in names(ds)) if (!startsWith(nm, "pilot")) wcsv(ds[[nm]], paste0("data_", nm, ".csv"))

landmarks <- list(aml = c(0, 5, 12, 24, 40, 200), lung = c(0, 100, 180, 365, 730, 1100),
                  ovarian = c(0, 60, 365, 730, 1300), veteran = c(0, 30, 90, 365, 999, 1200),
                  flat_censored = c(0, 60, 87, 100, 118, 150), flat_event = c(0, 87, 117, 118, 150),
                  flat_middle = c(0.5, 1, 4, 6.9, 7, 8, 9), quartile_flat = c(0, 1, 2.5, 4, 5),
                  ties = c(0, 2, 4, 5, 9, 12, 15, 20), not_reached = c(0, 1, 4, 6, 12, 13),
                  pilot_trta = c(0, 7, 30, 90, 182, 200), pilot_trtp = c(0, 30, 182))

steps <- list(); quants <- list(); lands <- list(); fu <- list()
for (nm in names(ds)) {
  d <- ds[[nm]]
  subsets <- c(list(ALL = d), split(d, d$group))
  if (length(unique(d$group)) == 1) subsets <- subsets["ALL"]
  for (g in names(subsets)) {
    s <- subsets[[g]]
    for (ct in c("log-log", "log", "plain")) {
      fit <- survfit(Surv(time, event) ~ 1, data = s, conf.type = ct, conf.int = 0.95)
      steps[[length(steps) + 1]] <- data.frame(
        dataset = nm, group = g, conf_type = ct, time = fit$time, n_risk = fit$n.risk,
        n_event = fit$n.event, n_censor = fit$n.censor, survival = fit$surv,
        std_err = fit$surv * fit$std.err, lower = fit$lower, upper = fit$upper)
      for (lvl in c(0.95, 0.90)) {
        qfit <- if (lvl == 0.95) fit else survfit(Surv(time, event) ~ 1, data = s, conf.type = ct, conf.int = lvl)
        q <- quantile(qfit, probs = c(0.25, 0.5, 0.75))
        quants[[length(quants) + 1]] <- data.frame(
          dataset = nm, group = g, conf_type = ct, level = lvl, prob = c(0.25, 0.5, 0.75),
          quantile = as.numeric(q$quantile), lower = as.numeric(q$lower), upper = as.numeric(q$upper))
      }
      sm <- summary(fit, times = landmarks[[nm]], extend = TRUE)
      lands[[length(lands) + 1]] <- data.frame(
        dataset = nm, group = g, conf_type = ct, time = sm$time, n_risk = sm$n.risk,
        survival = sm$surv, std_err = sm$std.err, lower = sm$lower, upper = sm$upper)
    }
    # Median follow-up by reverse Kaplan-Meier (Schemper & Smith 1996): flip the indicator.
    rfit <- survfit(Surv(time, 1 - event) ~ 1, data = s, conf.type = "log-log")
    rq <- quantile(rfit, probs = 0.5)
    fu[[length(fu) + 1]] <- data.frame(dataset = nm, group = g, median = as.numeric(rq$quantile),
                                       lower = as.numeric(rq$lower), upper = as.numeric(rq$upper),
                                       min = min(s$time), max = max(s$time))
  }
}
wcsv(do.call(rbind, steps), "km_steps.csv")
wcsv(do.call(rbind, quants), "km_quantiles.csv")
wcsv(do.call(rbind, lands), "km_landmarks.csv")
wcsv(do.call(rbind, fu), "followup_reverse_km.csv")

# ---------------------------------------------------------------- log-rank
lr <- list()
add_lr <- function(test, nm, f, d) {
  sd <- survdiff(f, data = d)
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  ex <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  df <- sum(ex > 0) - 1
  lr[[length(lr) + 1]] <<- data.frame(test = test, dataset = nm,
    group = sub("^group=", "", names(sd$n)), n = as.integer(sd$n), observed = obs, expected = ex,
    chisq = sd$chisq, df = df, p_value = pchisq(sd$chisq, df, lower.tail = FALSE))
}
for (nm in c("aml", "lung", "ovarian", "veteran", "ties", "pilot_trta", "pilot_trtp")) {
  add_lr("unstratified", nm, Surv(time, event) ~ group, ds[[nm]])
}
for (nm in c("lung", "ovarian", "veteran", "pilot_trta", "pilot_trtp")) {
  add_lr("stratified", nm, Surv(time, event) ~ group + strata(strata), ds[[nm]])
}
vet4 <- data.frame(time = veteran$time, event = veteran$status, group = as.character(veteran$celltype))
add_lr("unstratified", "veteran_celltype", Surv(time, event) ~ group, vet4)
wcsv(do.call(rbind, lr), "logrank.csv")

# ---------------------------------------------------------------- binomial CIs
bins <- list()
grid <- expand.grid(x = c(0, 1, 3, 5, 7, 23, 30, 33), n = c(5, 12, 33), level = c(0.95, 0.90))
grid <- grid[grid$x <= grid$n, ]
for (i in seq_len(nrow(grid))) {
  x <- grid$x[i]; n <- grid$n[i]; lvl <- grid$level[i]
  cp <- binom.test(x, n, conf.level = lvl)$conf.int
  w <- suppressWarnings(prop.test(x, n, conf.level = lvl, correct = FALSE)$conf.int)
  wc <- suppressWarnings(prop.test(x, n, conf.level = lvl, correct = TRUE)$conf.int)
  bins[[i]] <- data.frame(x = x, n = n, level = lvl, cp_lower = cp[1], cp_upper = cp[2],
                          wilson_lower = w[1], wilson_upper = w[2], wilsoncc_lower = wc[1], wilsoncc_upper = wc[2])
}
wcsv(do.call(rbind, bins), "binomial.csv")

# ---------------------------------------------------------------- descriptive quantiles
x <- c(10, 20, 30, 40, 150, 160, 170, 180, 190, 200)
y <- lung$age
desc <- rbind(
  data.frame(sample = "camis", prob = c(0.25, 0.4, 0.5, 0.75), type2 = quantile(x, c(0.25, 0.4, 0.5, 0.75), type = 2),
             type7 = quantile(x, c(0.25, 0.4, 0.5, 0.75), type = 7), mean = mean(x), sd = sd(x)),
  data.frame(sample = "lung_age", prob = c(0.25, 0.4, 0.5, 0.75), type2 = quantile(y, c(0.25, 0.4, 0.5, 0.75), type = 2),
             type7 = quantile(y, c(0.25, 0.4, 0.5, 0.75), type = 7), mean = mean(y), sd = sd(y)))
wcsv(desc, "descriptive.csv")
wcsv(data.frame(age = y), "data_lung_age.csv")

writeLines(c(R.version.string, paste("survival", packageVersion("survival")),
             paste("foreign", packageVersion("foreign"))), file.path(here, "versions.txt"))
