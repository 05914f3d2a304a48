# Reference Kaplan-Meier numbers for tests/report/test_methods.py.
# Input: km_input.csv = ADTTE (PFS, OS, DOR) of the synthetic ADaM fixture
#        (tests/report/synthetic_adam.py, make_adam(seed=20210401)).
# Run:   Rscript generate_km.R   (R 4.x, package survival)
library(survival)
d <- read.csv("km_input.csv")
out <- list()
for (p in c("PFS", "OS", "DOR")) {
  s <- d[d$PARAMCD == p, ]
  fit <- survfit(Surv(AVAL, 1 - CNSR) ~ 1, data = s, conf.type = "log-log")
  q <- quantile(fit, probs = 0.5)
  sm <- summary(fit, times = c(12, 24), extend = TRUE)
  out[[p]] <- data.frame(
    paramcd = p, median = unname(q$quantile), median_lower = unname(q$lower),
    median_upper = unname(q$upper), surv12 = sm$surv[1], lower12 = sm$lower[1],
    upper12 = sm$upper[1], surv24 = sm$surv[2], lower24 = sm$lower[2], upper24 = sm$upper[2]
  )
}
res <- do.call(rbind, out)
write.csv(res, "km_r.csv", row.names = FALSE)
cat(R.version.string, "survival", as.character(packageVersion("survival")), "\n",
    file = "km_r_versions.txt")
