# Evaluate pharmaverse/admiral CTCAE grading codes (GRADE_CRITERIA_CODE) with base R.
# Called by generate_ctcae_admiral.py with a folder holding codes.csv and grid.csv.
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
codes <- read.csv(file.path(dir, "codes.csv"), stringsAsFactors = FALSE)
grid <- read.csv(file.path(dir, "grid.csv"), stringsAsFactors = FALSE)

# dplyr::case_when semantics: the first clause whose condition is TRUE wins; NA counts as FALSE.
case_when <- function(...) {
  clauses <- list(...)
  n <- nrow_current
  out <- rep(NA_character_, n)
  done <- rep(FALSE, n)
  for (f in clauses) {
    cond <- rep_len(eval(f[[2]], environment(f)), n)
    val <- rep_len(eval(f[[3]], environment(f)), n)
    hit <- !done & !is.na(cond) & cond
    out[hit] <- val[hit]
    done <- done | hit
  }
  out
}

grid$admiral_grade <- NA_character_
for (i in seq_len(nrow(codes))) {
  rows <- which(grid$term == codes$term[i])
  d <- grid[rows, ]
  env <- new.env()
  env$AVAL <- d$value
  env$ANRLO <- d$lln
  env$ANRHI <- d$uln
  env$BASE <- d$baseline
  env$BNRIND <- ifelse(!is.na(d$baseline) & !is.na(d$uln) & d$baseline > d$uln, "HIGH",
                       ifelse(is.na(d$baseline), NA_character_, "NORMAL"))
  env$signif_dig <- 15L
  env$high_indicator <- "HIGH"
  env$low_indicator <- "LOW"
  nrow_current <- length(rows)
  grid$admiral_grade[rows] <- eval(parse(text = codes$code[i]), envir = env)
}
write.csv(grid, file.path(dir, "graded.csv"), row.names = FALSE, na = "")
