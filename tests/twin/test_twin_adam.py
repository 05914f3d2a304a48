"""The twin through the CDISC engineer's ADaM derivations (earlyphase.cdisc.adam), then the
ordinary statistics: the paper's numbers come back (isak_phase1b_published.yaml)."""

from __future__ import annotations

import pytest

from earlyphase.cdisc import terms
from earlyphase.cdisc.adam import derive_adae, derive_adrs, derive_adsl, derive_adtte
from earlyphase.cdisc.adam.derive import cutoff_from
from earlyphase.stats import binomial_ci
from earlyphase.survival import kaplan_meier


@pytest.fixture(scope="module")
def adam(twin):
    adsl = derive_adsl(twin, "isak-phase1b", data_cutoff=cutoff_from(twin["DS"], None))
    adrs = derive_adrs(adsl, lb=twin["LB"], rs=twin["RS"], source="imwg")
    return {
        "ADSL": adsl,
        "ADRS": adrs,
        "ADTTE": derive_adtte(adsl, adrs),
        "ADAE": derive_adae(twin["AE"], adsl, suppae=twin["SUPPAE"], ex=twin["EX"]),
    }


def test_adsl(adam, published):
    adsl = adam["ADSL"]
    assert len(adsl) == published["n_patients"].value
    assert (adsl["DUALREF"] == "Y").sum() == round(0.76 * 33)
    assert adsl["NCYCLES"].median() == published["median_cycles"].value
    assert adsl["RDIISA"].mean() > published["pct_intended_therapy_given"].value
    assert adsl["RDICARF"].mean() > published["pct_intended_therapy_given"].value


def test_adrs_best_overall_response(adam, published):
    bor = adam["ADRS"].query("PARAMCD == 'BOR'")["AVALC"]
    for cat in ("sCR", "CR", "VGPR", "PR", "MR"):
        assert (bor == cat).sum() == published[f"n_{cat.lower()}"].value
    x = int(bor.isin(terms.RESPONDER_CATEGORIES).sum())
    ci = binomial_ci(x, len(bor))
    assert (x, round(100 * float(ci.lower)), round(100 * float(ci.upper))) == (23, 51, 84)


def test_adtte(adam, published):
    tte = adam["ADTTE"]

    def km(param):
        x = tte[tte["PARAMCD"] == param]
        return kaplan_meier(x["AVAL"], 1 - x["CNSR"], conf_type="log"), x

    pfs, x = km("PFS")
    assert (x["CNSR"] == 0).sum() == published["n_progressions"].value
    assert pfs.median == pytest.approx(published["median_pfs_months"].value, abs=0.3)
    os_, _ = km("OS")
    assert 100 * float(os_.survival_at(24).estimate) == pytest.approx(76, abs=1.0)
    dor, _ = km("DOR")
    assert dor.median == pytest.approx(published["dor_median_months"].value, abs=0.5)


def test_adae_infusion_reactions_and_exclusion(adam, published):
    adae = adam["ADAE"]
    ir = adae[adae["IRFL"] == "Y"]
    assert ir["USUBJID"].nunique() == published["n_infusion_reaction_patients"].value
    assert (ir["IRDAY"] == "C1D1").sum() == published["n_ir_first_infusion"].value
    assert (ir["IRDRUG"] == "ISATUXIMAB").sum() == published["n_ir_isatuximab"].value
    lym = adae[adae["AEDECOD"] == "Lymphopenia"]
    assert (lym["ANLEXFL"] == "Y").all() and lym["USUBJID"].nunique() == 31
