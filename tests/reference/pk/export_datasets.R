# Export R's datasets::Theoph and datasets::Indometh (public domain, shipped with R) as CSV.
# Run: Rscript export_datasets.R   (R 4.2.2 was used)
th <- datasets::Theoph
write.csv(data.frame(subject_id = as.integer(as.character(th$Subject)), weight_kg = th$Wt,
                     dose_mg_per_kg = th$Dose, time = th$Time, conc = th$conc),
          "theoph.csv", row.names = FALSE)
im <- datasets::Indometh
write.csv(data.frame(subject_id = as.integer(as.character(im$Subject)), time = im$time,
                     conc = im$conc), "indometh.csv", row.names = FALSE)
