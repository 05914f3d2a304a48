"""Extract the Phoenix WinNonlin reference values used by tests/pk/test_nca_winnonlin.py.

Source: GitHub asancpt/NonCompart-tests at commit bb77168c (2018), files
``Final_Parameters_Pivoted_<case>.csv`` = Phoenix WinNonlin 6.3/7.0 "Final Parameters Pivoted"
exports (Kim H et al., Transl Clin Pharmacol 2018;26(1):10-15). Run with the path of a checkout:

    python extract_winnonlin.py /path/to/NonCompart-tests

Writes ``winnonlin_<case>.csv`` here with the columns the tests compare (values untouched).
"""

import csv
import sys
from pathlib import Path

CASES = (
    "Theoph_Log",
    "Theoph_Linear",
    "Indometh_Log",
    "Indometh_Linear",
    "Indometh_Log_Infusion",
    "Indometh_Linear_Infusion",
)
COLUMNS = (
    "Subject",
    "Cmax",
    "Tmax",
    "Tlast",
    "Clast",
    "AUClast",
    "AUCall",
    "AUCINF_obs",
    "AUCINF_pred",
    "AUC_%Extrap_obs",
    "Lambda_z",
    "HL_Lambda_z",
    "No_points_lambda_z",
    "Lambda_z_lower",
    "Lambda_z_upper",
    "Rsq",
    "Rsq_adjusted",
    "Corr_XY",
    "AUMClast",
    "AUMCINF_obs",
    "AUMCINF_pred",
    "MRTINF_obs",
    "Cl_obs",
    "Cl_F_obs",
    "Vz_obs",
    "Vz_F_obs",
    "Vss_obs",
    "C0",
)


def main(src: str) -> None:
    for case in CASES:
        with open(Path(src) / f"Final_Parameters_Pivoted_{case}.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        cols = [c for c in COLUMNS if c in rows[0]]
        with open(Path(__file__).parent / f"winnonlin_{case}.csv", "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(cols)
            for row in rows:
                writer.writerow([row[c] for c in cols])


if __name__ == "__main__":
    main(sys.argv[1])
