"""The reference trial's data conventions (reference/isak_phase1b_study.yaml) agree with its
protocol (protocol/builtin/isak-phase1b.yaml) and are what earlyphase.cdisc.terms exports."""

from earlyphase.cdisc import terms
from earlyphase.clinical import vocabulary
from earlyphase.protocol import load_protocol
from earlyphase.reference.study import reference_study


def test_arms_and_drugs_are_the_protocols():
    study, protocol = reference_study(), load_protocol("isak-phase1b")
    assert dict(study.dose_level_arms) == {d.id: d.label for d in protocol.dose_levels}
    assert dict(study.drugs) == {d.id: d.cdisc_name for d in protocol.drugs}
    assert set(study.pc_testcd) == set(study.drugs.values())
    assert all(len(code) <= 8 for code in study.pc_testcd.values())  # SDTM --TESTCD limit


def test_cdisc_terms_reexport_reference_and_clinical_vocabulary():
    study = reference_study()
    assert terms.STUDYID == study.studyid
    assert terms.DOSE_LEVEL_ARMS == study.dose_level_arms
    assert terms.TABLE2_TERMS == study.table2_terms
    assert terms.HEMATOLOGIC_TERMS <= set(study.table2_terms.values())
    assert terms.EXCLUDED_FROM_ANALYSIS <= set(study.table2_terms.values())
    assert terms.RESPONSE_ORDER is vocabulary.RESPONSE_ORDER
    assert terms.RELATED_VALUES is vocabulary.RELATED_VALUES
