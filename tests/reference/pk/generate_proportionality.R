# Reference values for earlyphase.pk.proportionality and summary (base R 4.2.2 only).
# Run: Rscript generate_proportionality.R   -> proportionality_r.csv
dose <- c(10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20)
auc  <- c(15100, 12000, 19800, 14300, 16900, 24600, 30100, 21000, 18800, 27700, 33900)
fit <- lm(log(auc) ~ log(dose))
ci <- confint(fit, level = 0.90)["log(dose)", ]
tt <- t.test(log(auc[dose == 20]), log(auc[dose == 10]), var.equal = TRUE, conf.level = 0.90)
x <- auc[dose == 10]
out <- data.frame(
  quantity = c("slope", "slope_lower", "slope_upper", "intercept", "gmr", "gmr_lower", "gmr_upper",
               "mean", "sd", "geo_mean", "geo_cv_pct", "cv_pct", "median"),
  value = c(coef(fit)[2], ci[1], ci[2], coef(fit)[1], exp(diff(rev(tt$estimate))),
            exp(tt$conf.int[1]), exp(tt$conf.int[2]),
            mean(x), sd(x), exp(mean(log(x))), 100 * sqrt(exp(sd(log(x))^2) - 1),
            100 * sd(x) / mean(x), median(x)))
write.csv(out, "proportionality_r.csv", row.names = FALSE)
