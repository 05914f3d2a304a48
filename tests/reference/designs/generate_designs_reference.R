# Reference outputs for earlyphase.designs, generated with the R packages' own code.
# Run:  Rscript generate_designs_reference.R   (from this folder)
# Needs BOIN 2.7.2 and dfcrm 0.2-2.1 installed into /tmp/Rlib from the cran/* GitHub mirrors,
# Keyboard 0.1.3 R/get.boundary.kb.R and bcrm 0.5.4 R/threep3.R sourced from /tmp/src (pure R).
.libPaths(c("/tmp/Rlib", .libPaths()))
suppressMessages({library(BOIN); library(dfcrm)})
# minimal JSON writer (jsonlite is not installed here); numbers with 17 significant digits
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    items <- vapply(x, to_json, "")
    if (!is.null(names(x)) && all(names(x) != ""))
      return(paste0("{", paste0('"', names(x), '": ', items, collapse = ", "), "}"))
    return(paste0("[", paste(items, collapse = ",\n"), "]"))
  }
  if (is.character(x)) v <- paste0('"', x, '"')
  else if (is.logical(x)) v <- ifelse(x, "true", "false")
  else v <- ifelse(is.na(x), "null", formatC(x, digits = 17, format = "g"))
  if (length(x) == 1) v else paste0("[", paste(v, collapse = ", "), "]")
}
write_json <- function(x, path, ...) writeLines(to_json(x), path)
source("/tmp/src/Keyboard/R/get.boundary.kb.R")
source("/tmp/src/bcrm/R/threep3.R")

versions <- list(R = R.version.string, BOIN = as.character(packageVersion("BOIN")),
                 dfcrm = as.character(packageVersion("dfcrm")),
                 Keyboard = "0.1.3 (R/get.boundary.kb.R sourced)", bcrm = "0.5.4 (R/threep3.R sourced)")

# 1. BOIN boundaries, n = 1..30 --------------------------------------------------------
for (phi in c(0.25, 0.30)) {
  b <- get.boundary(target = phi, ncohort = 10, cohortsize = 3, extrasafe = TRUE)
  tab <- t(b$full_boundary_tab)
  df <- data.frame(n = tab[, 1], escalate_if_dlt_le = tab[, 2], deescalate_if_dlt_ge = tab[, 3],
                   eliminate_if_dlt_ge = tab[, 4], extrasafe_stop_if_dlt_ge = b$stop_boundary[2, ])
  write.csv(df, sprintf("boin_boundary_phi%03d.csv", round(phi * 100)), row.names = FALSE)
}
lam <- lapply(c(0.10, 0.20, 0.25, 0.30, 0.33, 0.40), function(phi) {
  b <- get.boundary(phi, 10, 3); data.frame(target = phi, lambda_e = b$lambda_e, lambda_d = b$lambda_d)})
write.csv(do.call(rbind, lam), "boin_lambda.csv", row.names = FALSE)

# 2. BOIN select.mtd examples (ties, elimination, untreated doses) ------------------------
cases <- list(
  list(target = 0.30, npts = c(3, 3, 15, 9, 0), ntox = c(0, 0, 4, 4, 0)),
  list(target = 0.30, npts = c(3, 6, 12, 6, 3), ntox = c(0, 1, 3, 3, 3)),
  list(target = 0.25, npts = c(3, 6, 6, 0, 0), ntox = c(0, 1, 1, 0, 0)),      # pooled tie below target
  list(target = 0.25, npts = c(3, 6, 6, 6, 0), ntox = c(0, 3, 2, 2, 0)),      # pooled block above target
  list(target = 0.25, npts = c(6, 6, 6, 0, 0), ntox = c(2, 1, 3, 0, 0)),
  list(target = 0.30, npts = c(3, 0, 0, 0, 0), ntox = c(3, 0, 0, 0, 0)),      # dose 1 eliminated
  list(target = 0.30, npts = c(9, 12, 9, 0), ntox = c(1, 3, 5, 0)),
  list(target = 0.20, npts = c(3, 3, 3, 12, 9), ntox = c(0, 0, 0, 2, 3)),
  list(target = 0.30, npts = c(6, 6, 6, 6, 6), ntox = c(1, 1, 1, 1, 1)),      # all pooled, below target
  list(target = 0.30, npts = c(6, 6, 6, 6, 6), ntox = c(3, 3, 3, 3, 3)),      # all pooled, above target
  list(target = 0.25, npts = c(3, 9, 12, 6), ntox = c(1, 2, 3, 3)),
  list(target = 0.30, npts = c(12, 0, 0), ntox = c(7, 0, 0))
)
sel <- lapply(seq_along(cases), function(i) {
  cs <- cases[[i]]
  m <- select.mtd(cs$target, cs$npts, cs$ntox)$MTD
  m_es <- select.mtd(cs$target, cs$npts, cs$ntox, extrasafe = TRUE)$MTD
  m_b <- select.mtd(cs$target, cs$npts, cs$ntox, boundMTD = TRUE)$MTD
  list(target = cs$target, npts = cs$npts, ntox = cs$ntox, mtd = m, mtd_extrasafe = m_es,
       mtd_bound = m_b)
})
write_json(sel, "boin_select_mtd.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)

# 3. BOIN get.oc, 10,000 trials, seed 6 ---------------------------------------------------
oc_cases <- list(
  list(target = 0.30, p.true = c(0.05, 0.15, 0.30, 0.45, 0.60), ncohort = 10, cohortsize = 3),
  list(target = 0.25, p.true = c(0.10, 0.25, 0.40, 0.55, 0.70), ncohort = 10, cohortsize = 3),
  list(target = 0.30, p.true = c(0.45, 0.55, 0.65), ncohort = 6, cohortsize = 3),
  list(target = 0.25, p.true = c(0.02, 0.05, 0.08, 0.12, 0.25, 0.40), ncohort = 12, cohortsize = 3,
       n.earlystop = 12, extrasafe = TRUE),
  list(target = 0.30, p.true = c(0.30, 0.40, 0.50, 0.60), ncohort = 10, cohortsize = 3,
       extrasafe = TRUE, startdose = 2)
)
oc <- lapply(oc_cases, function(cs) {
  args <- c(cs, list(ntrial = 10000, seed = 6))
  t0 <- proc.time()[["elapsed"]]
  r <- suppressWarnings(do.call(get.oc, args))
  el <- proc.time()[["elapsed"]] - t0
  list(call = args, selpercent = r$selpercent, npatients = r$npatients, ntox = r$ntox,
       totaltox = r$totaltox, totaln = r$totaln, percentstop = r$percentstop,
       elapsed_s = el)
})
write_json(oc, "boin_get_oc.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)

# 4. Keyboard decision boundaries (mTPI-2 equivalent), n = 1..30 -------------------------
for (phi in c(0.25, 0.30)) {
  k <- get.boundary.kb(target = phi, ncohort = 10, cohortsize = 3)
  tab <- t(k$full_boundary_tab)
  write.csv(data.frame(n = tab[, 1], escalate_if_dlt_le = tab[, 2], deescalate_if_dlt_ge = tab[, 3],
                       eliminate_if_dlt_ge = tab[, 4]),
            sprintf("keyboard_boundary_phi%03d.csv", round(phi * 100)), row.names = FALSE)
}

# 5. dfcrm getprior, crm, crmsim -----------------------------------------------------------
gp <- list(
  list(halfwidth = 0.05, target = 0.25, nu = 3, nlevel = 5, model = "empiric"),
  list(halfwidth = 0.08, target = 0.25, nu = 3, nlevel = 5, model = "empiric"),
  list(halfwidth = 0.05, target = 0.30, nu = 3, nlevel = 5, model = "empiric"),
  list(halfwidth = 0.06, target = 0.20, nu = 1, nlevel = 6, model = "empiric"),
  list(halfwidth = 0.07, target = 0.25, nu = 6, nlevel = 6, model = "empiric"),
  list(halfwidth = 0.05, target = 0.25, nu = 3, nlevel = 5, model = "logistic"),
  list(halfwidth = 0.04, target = 0.33, nu = 2, nlevel = 4, model = "logistic")
)
gp_out <- lapply(gp, function(a) c(a, list(skeleton = do.call(getprior, a))))
write_json(gp_out, "dfcrm_getprior.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)

sk <- getprior(0.05, 0.30, 3, 5)
crm_cases <- list(
  list(prior = sk, target = 0.30, level = c(1, 1, 1, 2, 2, 2), tox = c(0, 0, 0, 0, 0, 1), model = "empiric"),
  list(prior = sk, target = 0.30, level = c(1, 1, 1, 2, 2, 2, 3, 3, 3), tox = c(0, 0, 0, 0, 1, 0, 1, 1, 0), model = "empiric"),
  list(prior = sk, target = 0.30, level = c(1, 1, 1), tox = c(1, 1, 1), model = "empiric"),
  list(prior = sk, target = 0.30, level = rep(1:5, each = 3), tox = rep(0, 15), model = "empiric"),
  list(prior = sk, target = 0.30, level = c(1, 1, 1, 2, 2, 2), tox = c(0, 0, 0, 0, 0, 1), model = "logistic"),
  list(prior = sk, target = 0.30, level = c(2, 2, 2, 3, 3, 3, 3, 3, 3), tox = c(0, 0, 0, 1, 0, 0, 1, 1, 0), model = "logistic")
)
crm_out <- lapply(crm_cases, function(a) {
  r <- crm(a$prior, a$target, a$tox, a$level, model = a$model)
  c(a, list(estimate = r$estimate, post_var = r$post.var, ptox = r$ptox, mtd = r$mtd))
})
write_json(crm_out, "dfcrm_crm.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)

sim_cases <- list(
  list(PI = c(0.05, 0.10, 0.20, 0.30, 0.50), prior = sk, target = 0.30, n = 24, x0 = 1, mcohort = 3, model = "empiric"),
  list(PI = c(0.10, 0.25, 0.40, 0.55, 0.70), prior = getprior(0.05, 0.25, 3, 5), target = 0.25, n = 30, x0 = 1, mcohort = 3, model = "empiric"),
  list(PI = c(0.05, 0.10, 0.20, 0.30, 0.50), prior = sk, target = 0.30, n = 24, x0 = 1, mcohort = 3, model = "logistic")
)
sim_out <- lapply(sim_cases, function(a) {
  t0 <- proc.time()[["elapsed"]]
  r <- do.call(crmsim, c(a, list(nsim = 2000, count = FALSE, seed = 1009)))
  el <- proc.time()[["elapsed"]] - t0
  c(a, list(nsim = 2000, seed = 1009, MTD = r$MTD, level = r$level, tox = r$tox, elapsed_s = el))
})
write_json(sim_out, "dfcrm_crmsim.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)

# 6. bcrm threep3 (exact 3+3 enumeration) --------------------------------------------------
tp <- list(c(0.05, 0.15, 0.30), c(0.05, 0.10, 0.20, 0.35, 0.50))
tp_out <- list()
for (p in tp) for (esc in c(TRUE, FALSE)) {
  r <- threep3(p, threep3.esc.only = esc, quietly = TRUE)
  tp_out[[length(tp_out) + 1]] <- list(truep = p, esc_only = esc, n_paths = length(r$prob),
    p_mtd = sapply(0:length(p), function(j) sum(r$prob[r$mtd == j])),
    n_average = r$n.average, dlt_average = r$dlt.average,
    ssize = sort(unique(r$ssize)),
    p_ssize = sapply(sort(unique(r$ssize)), function(s) sum(r$prob[r$ssize == s])))
}
write_json(tp_out, "bcrm_threep3.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
write_json(versions, "versions.json", auto_unbox = TRUE, pretty = TRUE)
