"""The law beside the commentary, the fact-check ledger, comparison judgements, power scheme."""

import pandas as pd
import pytest

from kzreform.core.codebook import load_codebook
from kzreform.core.data import field_enum, load_table
from kzreform.core.vocabulary import CONTRADICTED, EXTERNAL, NOT_VERIFIABLE, NOT_VERIFIED
from kzreform.pipeline.validation import package_issues
from kzreform.provisions.law import law_periods, law_rows
from kzreform.provisions.matrix import LAW_CONTRADICTS, NOT_STATED_EXTERNAL
from kzreform.provisions.periods import period_ids
from kzreform.provisions.rules import required_targets

# A refusal after a build does not test the statistics.
pytestmark = pytest.mark.usefixtures("fast_build")


def rewrite(data_dir, ledger, change):
    """Apply ``change`` to a hand-coded table of a data copy and write it back."""
    path = data_dir / "coding" / ledger
    table = change(pd.read_csv(path, dtype=str, keep_default_na=False))
    table.to_csv(path, index=False, lineterminator="\n")


def messages(data_dir):
    return "\n".join(str(issue) for issue in package_issues(data_dir))


# ---- the law table -------------------------------------------------------------

PERIODS = pd.DataFrame({"period_id": ["before", "amended", "later", "draft", "new"],
                        "kind": ["in force", "in force", "in force", "proposal", "external"],
                        "order": [1, 2, 3, 4, 5]})


def law_row(law_id, period_id, provides):
    return {"law_id": law_id, "provision_id": "p", "period_id": period_id, "provides": provides}


def test_a_law_row_holds_until_a_later_row_replaces_it_and_never_reaches_an_external_period():
    law = pd.DataFrame([law_row("l1", "before", "old"), law_row("l2", "amended", "new")])
    periods = PERIODS.set_index("period_id")
    assert law_rows(law, periods, "before")["provides"].tolist() == ["old"]
    assert law_rows(law, periods, "later")["provides"].tolist() == ["new"]
    assert law_rows(law, periods, "new").empty
    assert law_periods(PERIODS)["period_id"].tolist() == ["before", "amended", "later", "new"]


def test_every_provision_has_a_law_cell_in_every_law_period_with_an_article_or_not_verified():
    beside = load_table("law-beside-sources")
    provisions = load_table("provisions")
    periods = load_table("periods")
    assert len(beside) == len(provisions) * len(law_periods(periods))
    # a cell with no law row says "not verified" for the law as well as the article
    assert beside.loc[beside["article"] == NOT_VERIFIED, "law"].str.startswith(NOT_VERIFIED).all()
    unverified = beside["basis"] == NOT_VERIFIED
    assert beside.loc[unverified, "law"].str.startswith(NOT_VERIFIED).all()
    assert (beside.loc[~unverified, "reference"] != "").all()


def test_a_law_row_for_a_proposal_period_is_an_error(data_copy):
    rewrite(data_copy, "law.csv", lambda t: t.assign(
        period_id=t["period_id"].where(t.index != 0, "draft-2021")))
    assert "law.csv, row 2, field 'period_id', value 'draft-2021': is a proposal period" \
        in messages(data_copy)


# ---- the fact-check ledger -------------------------------------------------------

def test_every_statement_that_needs_a_check_has_one_with_a_known_verdict_and_reference():
    checks = load_table("fact-checks")
    assert set(required_targets()) <= set(checks["checks"])
    assert set(checks["verdict"]) <= set(field_enum("fact-checks", "verdict"))
    assert {CONTRADICTED, NOT_VERIFIABLE} <= set(field_enum("fact-checks", "verdict"))
    cited = checks.loc[checks["verdict"] != NOT_VERIFIABLE, "reference"]
    assert (cited.str.strip() != "").all()


def test_a_claim_about_the_law_without_a_check_is_an_error(data_copy):
    target = sorted(required_targets(data_copy))[0]
    rewrite(data_copy, "fact_checks.csv", lambda t: t[t["checks"] != target])
    assert f"has no check of {target}" in messages(data_copy)


def test_a_check_of_a_row_that_does_not_exist_is_an_error(data_copy):
    rewrite(data_copy, "fact_checks.csv", lambda t: t.assign(
        checks=t["checks"].where(t.index != 0, "claims:c999")))
    assert "field 'checks', value 'claims:c999': names no row" in messages(data_copy)


def test_the_study_s_own_external_statement_cannot_be_a_source_claim_contradicted(data_copy):
    def contradict_an_external_claim(table):
        external = table.index[table["checks"].str.startswith("external-claims:")][0]
        table.loc[external, "verdict"] = CONTRADICTED
        return table
    rewrite(data_copy, "fact_checks.csv", contradict_an_external_claim)
    assert "is a verdict on a corpus source's claim" in messages(data_copy)


def test_every_contradicted_claim_is_flagged_in_its_matrix_cell():
    checks = load_table("fact-checks")
    claims = load_table("claims").set_index("claim_id")
    matrix = load_table("provisions-matrix").set_index("provision_id")
    contradicted = checks.loc[(checks["verdict"] == CONTRADICTED)
                              & checks["checks"].str.startswith("claims:"), "checks"]
    for target in contradicted:
        claim = claims.loc[target.split(":", 1)[1]]
        cell = matrix.loc[claim["provision_id"], claim["period_id"]]
        assert f"{claim['value']}{LAW_CONTRADICTS}" in cell


def test_no_external_cell_is_silent_while_its_ledger_states_a_value():
    matrix = load_table("provisions-matrix")
    external_claims = load_table("external-claims")
    for period_id in period_ids(load_table("periods"), EXTERNAL):
        stated = set(external_claims.loc[external_claims["period_id"] == period_id,
                                         "provision_id"])
        silent = set(matrix.loc[matrix[period_id] == NOT_STATED_EXTERNAL, "provision_id"])
        assert not stated & silent


def test_source_accuracy_counts_every_checked_statement_of_each_source():
    accuracy = load_table("source-accuracy")
    verdicts = [v.replace(" ", "_") for v in field_enum("fact-checks", "verdict")]
    assert (accuracy[verdicts].sum(axis=1) >= accuracy["checked"]).all()
    assert set(accuracy["source_id"]) == set(load_table("sources")["source_id"])


# ---- consistency by proposition ------------------------------------------------------

def test_only_statements_that_differ_carry_a_kind_of_difference_from_the_closed_list():
    consistency = load_table("fact-consistency")
    kinds = field_enum("comparison-judgements", "relation")
    differ = consistency["agreement"] == "differ"
    assert consistency.loc[differ, "relation"].isin(kinds).all()
    assert (consistency.loc[~differ, "relation"] == "agree").all()


def test_a_difference_without_a_judgement_is_an_error(data_copy):
    judged = load_table("comparison-judgements", data_copy)["topic_id"].iloc[0]
    rewrite(data_copy, "comparisons.csv", lambda t: t[t["topic_id"] != judged])
    from kzreform.core.errors import DataValidationError
    from kzreform.pipeline import build
    with pytest.raises(DataValidationError, match=f"value '{judged}': has no judgement"):
        build.build(data_copy)


# ---- power judgements on a stated scheme ----------------------------------------------

def test_power_directions_come_from_the_codebook_scheme():
    scheme = list(load_codebook().power_directions)
    assert field_enum("provisions", "power_direction") == scheme
    assert field_enum("provisions-matrix", "power_direction") == scheme


def test_a_reform_judged_two_ways_is_an_error(data_copy):
    provisions = load_table("provisions", data_copy)
    shared = provisions["reform"][provisions["reform"].duplicated()].iloc[0]
    first = provisions.index[provisions["reform"] == shared][0]
    other = next(d for d in field_enum("provisions", "power_direction")
                 if d != provisions.loc[first, "power_direction"])
    rewrite(data_copy, "provisions.csv", lambda t: t.assign(
        power_direction=t["power_direction"].where(t.index != first, other)))
    assert f"differs within the reform '{shared}'" in messages(data_copy)


@pytest.mark.corpus
def test_the_report_s_reading_of_today_s_checks_holds():
    """The results name these contradicted claims and say no difference is a contradiction."""
    accuracy = load_table("source-accuracy")
    named = {"fpc-2021": {"c076", "c077"}, "ecfr-2022": {"s07"}}
    for row in accuracy.to_dict("records"):
        assert set(row["contradicted_claims"].split()) == named.get(row["source_id"], set())
    assert "contradiction" not in set(load_table("fact-consistency")["relation"])


def test_a_law_row_of_an_external_period_without_an_external_claim_is_an_error(data_copy):
    external_law = load_table("law", data_copy)
    periods = load_table("periods", data_copy)
    row = external_law[external_law["period_id"].isin(period_ids(periods, EXTERNAL))].iloc[0]
    rewrite(data_copy, "external_claims.csv", lambda t: t[
        ~((t["provision_id"] == row["provision_id"]) & (t["period_id"] == row["period_id"]))])
    assert f"external_claims.csv states nothing for {row['provision_id']} there" \
        in messages(data_copy)


@pytest.mark.corpus
def test_the_report_s_reading_of_where_the_reforms_move_power_holds():
    """More than half of the enacted changes move no power; more go to courts than parliament;
    the one move towards the president is the First President's status (Results, Discussion)."""
    reforms = load_table("reforms-by-direction")
    enacted = reforms[reforms["kind"] == "in force"].set_index("power_direction")["reforms"]
    assert enacted["no shift between branches"] > enacted.sum() / 2
    assert enacted["towards courts and oversight bodies"] > enacted["towards legislature"]
    periods = load_table("periods")
    in_force = periods.loc[periods["kind"] == "in force", "period_id"]
    matrix = load_table("provisions-matrix")
    towards_president = matrix[(matrix["power_direction"] == "towards president")
                               & matrix["direction_refers_to"].isin(in_force)]
    assert set(towards_president["provision_id"]) == {"first-president"}
