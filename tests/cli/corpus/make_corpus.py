"""Generate the malformed-input corpus in this folder (run once; the outputs are committed).

    python3 tests/cli/corpus/make_corpus.py

Each file is one hostile input a new user could feed a command; test_cli_corpus.py runs the
commands over them and expects a clean ``error:`` line, a documented exit code and no stray
files. Protocol variants start from the shipped isak-phase1b.yaml.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE.parents[2] / "src" / "earlyphase" / "protocol" / "builtin" / "isak-phase1b.yaml"


def protocol_variants(base: str) -> dict[str, str]:
    first_dose = "doses: [{days: [1, 15], dose: 10}]"
    return {
        "protocol_inf_dose.yaml": base.replace(first_dose, first_dose.replace("10}", ".inf}"), 1),
        "protocol_nan_dose.yaml": base.replace(first_dose, first_dose.replace("10}", ".nan}"), 1),
        "protocol_huge_cycle.yaml": base.replace(
            "cycle_length_days: 28", "cycle_length_days: 1000000000000000000000000000000"
        ),
        "protocol_unknown_design.yaml": base.replace('name: "3+3"', 'name: "5+5"'),
        "protocol_duplicate_key.yaml": base.replace(
            "registry_id: NCT02332850", "registry_id: NCT02332850\nregistry_id: NCT00000000"
        ),
        "protocol_latin1.yaml": None,  # written as bytes below
        "protocol_bigint.yaml": base.replace(
            "cycle_length_days: 28", "cycle_length_days: " + "9" * 5000
        ),
        "protocol_cycles_huge.yaml": base.replace("cycles: until progression", "cycles: 100000000"),
        "protocol_cohort_zero.yaml": base.replace("cohort_size: 3", "cohort_size: 0"),
        "protocol_not_mapping.yaml": "- just\n- a list\n",
        "protocol_number.yaml": "42\n",
        "protocol_empty.yaml": "",
        "protocol_tabs.yaml": "id: x\n\ttitle: y\n",
    }


def main() -> None:
    base = SRC.read_text(encoding="utf-8")
    for name, text in protocol_variants(base).items():
        if text is not None:
            (HERE / name).write_text(text, encoding="utf-8")
    (HERE / "protocol_latin1.yaml").write_bytes(
        base.replace("title:", "title: caf\u00e9", 1).encode("latin-1", "replace")
    )
    # a "billion laughs": 10 levels of 10 aliases each = 10**10 nodes once expanded
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    (HERE / "yaml_bomb.yaml").write_text("\n".join(lines) + "\n")
    (HERE / "yaml_deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    (HERE / "yaml_recursive.yaml").write_text("a: &a [*a]\n")
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (HERE / "header_only.csv").write_text("patient_id,age_years,ecog\n")
    (HERE / "ragged.csv").write_text('subject_id,time,conc\n1,0,1,9,9\n2\n"unterminated\n')
    (HERE / "latin1.csv").write_bytes("subject_id,time,conc\nJos\u00e9,0,1\n".encode("latin-1"))
    (HERE / "not_json.json").write_text("{this is not json")
    (HERE / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (HERE / "bigint.json").write_text('{"records": ' + "9" * 5000 + "}")
    (HERE / "duplicate_key.json").write_text('{"name": "DM", "name": "AE"}')
    scen = (
        "name: hostile\n"
        "true_dlt: {DL1: 0.1, DL2: 0.2, DL3: 0.3}\n"
        "response: {DL1: {PR: 0.5, PD: 0.5}, DL2: {PR: 0.5, PD: 0.5}, DL3: {PR: 0.5, PD: 0.5}}\n"
    )
    (HERE / "scenario_inf_pfs.yaml").write_text(
        scen + "pfs_median_months: .inf\nfollowup_months: 24\n"
    )
    (HERE / "scenario_inf_followup.yaml").write_text(
        scen + "pfs_median_months: 9\nfollowup_months: .inf\n"
    )


if __name__ == "__main__":
    main()
