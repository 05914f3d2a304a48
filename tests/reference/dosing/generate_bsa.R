# Reference BSA values computed in R with the formula constants used by the R package admiral
# (pharmaverse/admiral R/derive_param_bsa.R, compute_bsa(); tests/testthat/test-derive_param_bsa.R):
#   Mosteller  sqrt(H * W / 3600)
#   DuBois     0.20247 * (H / 100)^0.725 * W^0.425
#   Haycock    0.024265 * H^0.3964 * W^0.5378
# Run: Rscript generate_bsa.R   (writes bsa_r.csv next to this script)
heights <- c(50, 110, 150, 160, 170, 175, 180, 185, 190, 200)
weights <- c(3.5, 18, 45, 55, 75, 80, 80, 90, 120, 150)
out <- data.frame(
  height_cm = heights,
  weight_kg = weights,
  mosteller = sqrt(heights * weights / 3600),
  dubois = 0.20247 * (heights / 100)^0.725 * weights^0.425,
  haycock = 0.024265 * heights^0.3964 * weights^0.5378
)
write.csv(format(out, digits = 15), "bsa_r.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, "\n")
