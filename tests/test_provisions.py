"""The claims ledger, the provisions matrix built from it, and cross-source consistency."""

import re

import pandas as pd
import pytest

from kzreform.core.data import field_enum, load_table
from kzreform.core.errors import DataValidationError
from kzreform.core.vocabulary import EXTERNAL, NOT_STATED
from kzreform.corpus.segment import quote_in_text
from kzreform.pipeline import build
from kzreform.pipeline.validation import package_issues
from kzreform.provisions.matrix import (
    EXTERNAL_MARK,
    LAW_CONTRADICTS,
    NOT_STATED_EXTERNAL,
    REPORTS_STATE,
    cell_text,
    claims_per_source,
    external_cell_text,
    fact_consistency,
)
from kzreform.provisions.periods import period_ids
from kzreform.provisions.rules import bibliography_keys, change_kind_issues

# The refusals below come after a build; its statistics are not what they test.
pytestmark = pytest.mark.usefixtures("fast_build")


@pytest.fixture(scope="module")
def periods():
    return load_table("periods").sort_values("order")


@pytest.fixture(scope="module")
def provisions():
    return load_table("provisions")


@pytest.fixture(scope="module")
def claims():
    return load_table("claims")


@pytest.fixture(scope="module")
def external_claims():
    return load_table("external-claims")


@pytest.fixture(scope="module")
def matrix():
    return load_table("provisions-matrix")


def external_claim(provision_id="parliament-structure", reference="orda2026draft",
                   value="unicameral"):
    return {"external_claim_id": "e999", "provision_id": provision_id,
            "period_id": "constitution-2026", "statement": "s", "value": value,
            "reference": reference, "quote": "q"}


def claim(provision_id="death-penalty", period_id="amend-2022", source_id="ecfr-2022",
          paragraph_id="ecfr-2022-p08", value="abolished", claim_id="c999"):
    return {"claim_id": claim_id, "source_id": source_id, "paragraph_id": paragraph_id,
            "provision_id": provision_id, "period_id": period_id, "quote": "x",
            "value": value, "number": "", "unit": ""}


# --- the ledger --------------------------------------------------------------------

def test_every_quote_occurs_in_its_paragraph(claims, paragraphs):
    text = paragraphs.set_index("paragraph_id")["text"]
    missing = [row.claim_id for row in claims.itertuples()
               if not quote_in_text(row.quote, text[row.paragraph_id])]
    assert not missing
    assert len(claims) > 0


def test_every_claim_names_the_source_of_its_paragraph(claims, paragraphs):
    owner = paragraphs.set_index("paragraph_id")["source_id"]
    assert (claims["paragraph_id"].map(owner) == claims["source_id"]).all()


def test_every_coded_provision_has_at_least_one_claim(claims, external_claims, provisions):
    claimed = set(claims["provision_id"]) | set(external_claims["provision_id"])
    assert set(provisions["provision_id"]) == claimed


def write_bad_ledger(data_dir, row_number, field, value, ledger="claims.csv"):
    path = data_dir / "coding" / ledger
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[row_number - 2, field] = value
    table.to_csv(path, index=False, lineterminator="\n")


@pytest.mark.parametrize("field, value, message", [
    ("provision_id", "senate-abolition", "[foreign-key]"),
    ("paragraph_id", "ecfr-2022-p99", "[foreign-key]"),
    ("period_id", "2030", "[foreign-key]"),
    ("quote", "the president abolished the Senate", "is not found verbatim in paragraph"),
    ("quote", "", "[constraint-error]"),
    ("value", "", "[constraint-error]"),
    ("source_id", "tni-2022", "but paragraph"),
    ("number", "fifteen", "[type-error] is not a valid number"),
])
def test_a_bad_ledger_row_is_named_by_file_row_field_and_value(data_copy, field, value, message):
    write_bad_ledger(data_copy, 5, field, value)
    with pytest.raises(DataValidationError) as error:
        build.build(data_copy)
    assert f"claims.csv, row 5, field {field!r}, value {value!r}: " in str(error.value)
    assert message in str(error.value)


def test_an_external_fact_needs_a_citation_key_in_the_bibliography(data_copy):
    path = data_copy / "coding" / "external_facts.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "reference"] = "nosuchkey2020"
    table.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError,
                       match=r"external_facts.csv, row 2, field 'reference', value 'nosuchkey2020'"):
        build.build(data_copy)


@pytest.mark.parametrize("field, value, message", [
    # an unknown reference key
    ("reference", "nosuchkey2026", "is not a citation key of report/references.bib"),
    # a missing statement: empty (the schema) or only blanks (the content rule)
    ("statement", "", "[constraint-error]"),
    ("statement", "   ", "is missing: an external claim states what the cited report says"),
    ("paraphrase", "", "[constraint-error]"),
    # corpus periods take corpus claims only
    ("period_id", "post-2022", "is not an external period"),
    ("period_id", "2030", "[foreign-key]"),
    ("provision_id", "senate-abolition", "[foreign-key]"),
])
def test_a_bad_external_claim_is_named_by_file_row_field_and_value(data_copy, field, value,
                                                                  message):
    write_bad_ledger(data_copy, 3, field, value, ledger="external_claims.csv")
    with pytest.raises(DataValidationError) as error:
        build.build(data_copy)
    assert f"external_claims.csv, row 3, field {field!r}, value {value!r}: " in str(error.value)
    assert message in str(error.value)


def external_cells_without_a_ledger_row(matrix, external_claims, periods):
    """(matrix row number, period) of external cells the ledger states nothing for."""
    reported = set(zip(external_claims["provision_id"], external_claims["period_id"]))
    return [(number, period_id)
            for number, provision_id in enumerate(matrix["provision_id"], start=2)
            for period_id in period_ids(periods, EXTERNAL)
            if (provision_id, period_id) not in reported]


def test_a_2026_cell_without_a_ledger_row_is_an_error(data_copy, matrix, external_claims,
                                                      periods):
    """A value in an external column of the matrix that no external claim backs."""
    number, period_id = external_cells_without_a_ledger_row(matrix, external_claims, periods)[0]
    path = data_copy / "processed" / "provisions_matrix.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[number - 2, period_id] = f"a value from memory [{EXTERNAL_MARK} orda2026draft]"
    table.to_csv(path, index=False, lineterminator="\n")
    issues = [str(issue) for issue in package_issues(data_copy)]
    expected = (f"provisions_matrix.csv, row {number}, field {period_id!r}, value "
                f"'a value from memory [{EXTERNAL_MARK} orda2026draft]': states a value, but "
                "external_claims.csv has no row for")
    assert any(expected in issue for issue in issues), issues


def test_a_2026_cell_whose_ledger_row_is_deleted_is_an_error(data_copy, external_claims):
    """Delete the ledger rows behind a filled cell and keep the stale matrix."""
    provision_id = external_claims["provision_id"].iloc[0]
    path = data_copy / "coding" / "external_claims.csv"
    external_claims[external_claims["provision_id"] != provision_id].to_csv(
        path, index=False, lineterminator="\n")
    issues = [str(issue) for issue in package_issues(data_copy)]
    assert any(f"has no row for {provision_id} in" in issue for issue in issues), issues


def test_every_external_fact_cites_a_key_of_the_report_bibliography():
    external = load_table("external-facts")
    assert set(external["reference"]) <= set(bibliography_keys())


# --- the matrix --------------------------------------------------------------------

def cell_values(cell: str) -> list[str]:
    """The values a cell states, without its paragraph references or lead-in."""
    body = re.sub(rf"^(sources differ|{REPORTS_STATE}|\S+ states it differently): ", "", cell)
    return [value.removesuffix(LAW_CONTRADICTS)
            for value in re.findall(r"(.+?) \[[^\]]+\](?:; |$)", body)]


def test_every_stated_cell_is_backed_by_claims_for_that_provision_and_period(
        matrix, claims, external_claims, periods):
    external = set(period_ids(periods, EXTERNAL))
    for row in matrix.to_dict("records"):
        for period_id in periods["period_id"]:
            cell = row[period_id]
            ledger, evidence, silent = ((external_claims, "reference", NOT_STATED_EXTERNAL)
                                        if period_id in external
                                        else (claims, "paragraph_id", NOT_STATED))
            backing = ledger[(ledger["provision_id"] == row["provision_id"])
                             & (ledger["period_id"] == period_id)]
            if cell == silent:
                assert backing.empty, (row["provision_id"], period_id)
                continue
            values = cell_values(cell)
            assert values, f"unparsed cell {cell!r}"
            assert set(values) == set(backing["value"]), (row["provision_id"], period_id)
            for key in backing[evidence]:
                assert key in cell
            # External cells carry the dagger, corpus cells never do.
            assert (f"[{EXTERNAL_MARK} " in cell) == (period_id in external), cell


def test_external_cells_cite_keys_of_the_bibliography_and_only_external_periods_have_them(
        external_claims, periods):
    assert set(external_claims["reference"]) <= set(bibliography_keys())
    assert set(external_claims["period_id"]) <= set(period_ids(periods, EXTERNAL))


def test_an_external_cell_lists_its_reference_keys_after_a_dagger():
    claims = [external_claim(reference="a2026"), external_claim(reference="b2026")]
    assert external_cell_text(claims) == f"unicameral [{EXTERNAL_MARK} a2026, b2026]"
    assert external_cell_text([]) == NOT_STATED_EXTERNAL


def test_the_matrix_evidence_table_lists_every_claim_once(claims):
    links = load_table("provisions-matrix-claims")
    assert sorted(links["claim_id"]) == sorted(claims["claim_id"])


def test_a_cell_without_claims_says_not_stated():
    assert cell_text([]) == NOT_STATED


def test_a_cell_keeps_disagreeing_sources_apart():
    cell = cell_text([
        claim(value="more than 200"),
        claim(value="more than 230", source_id="tni-2022", paragraph_id="tni-2022-p07"),
    ])
    assert cell == ("sources differ: more than 200 [ecfr-2022-p08]; "
                    "more than 230 [tni-2022-p07]")


def test_a_cell_flags_a_source_that_contradicts_itself():
    cell = cell_text([
        claim(value="single-mandate"), claim(value="multi-member", paragraph_id="ecfr-2022-p09"),
    ])
    assert cell.startswith("ecfr-2022 states it differently: ")


def test_agreeing_sources_share_one_value_and_list_their_paragraphs():
    cell = cell_text([
        claim(), claim(source_id="tni-2022", paragraph_id="tni-2022-p04"),
    ])
    assert cell == "abolished [ecfr-2022-p08, tni-2022-p04]"


@pytest.mark.corpus
@pytest.mark.parametrize("provision_id, period_id, message", [
    # constitutional-review is coded "introduced": without 2022-23 claims that is unsupported
    ("constitutional-review", None, "but no claim states what the reforms did"),
    # supreme-court is "proposed only": an adopted-change claim contradicts it
    ("supreme-court", "amend-2022", "but the corpus states an adopted change"),
])
def test_a_change_kind_the_claims_contradict_is_an_error(
        data_copy, claims, provisions, provision_id, period_id, message):
    if period_id is None:
        edited = claims[~((claims["provision_id"] == provision_id)
                          & claims["period_id"].isin(["amend-2022", "post-2022"]))]
    else:
        edited = pd.concat([claims, pd.DataFrame([claim(provision_id, period_id)])])
    edited.to_csv(data_copy / "coding" / "claims.csv", index=False, lineterminator="\n")
    row = provisions.index[provisions["provision_id"] == provision_id][0] + 2
    issues = [str(issue) for issue in change_kind_issues(data_copy)]
    assert any(f"provisions.csv, row {row}, field 'change_kind'" in issue and message in issue
               for issue in issues), issues


def test_the_committed_change_kinds_fit_the_claims():
    assert change_kind_issues() == []


def test_the_matrix_is_grouped_by_domain_in_the_schema_order(matrix):
    seen = list(dict.fromkeys(matrix["domain"]))
    assert seen == [d for d in field_enum("provisions", "domain") if d in seen]


# --- consistency ---------------------------------------------------------------------

def consistency_of(statements, facts, external=None):
    empty = pd.DataFrame(columns=["claim_id", "source_id", "paragraph_id", "provision_id",
                                  "period_id", "quote", "value", "number", "unit"])
    external = external if external is not None else pd.DataFrame(
        columns=["external_id", "fact_id", "statement", "value", "number", "reference"])
    return fact_consistency(empty, pd.DataFrame(columns=["provision_id", "name"]),
                            pd.DataFrame(columns=["period_id", "label"]),
                            pd.DataFrame(facts), pd.DataFrame(statements), external)


def statement(source_id, value, number, fact_id="deaths"):
    return {"statement_id": source_id, "fact_id": fact_id, "source_id": source_id,
            "paragraph_id": "", "quote": "", "value": value, "number": number}


def test_different_lower_bounds_are_reported_as_a_difference():
    table = consistency_of(
        [statement("a", "more than 200", "200"), statement("b", "more than 230", "230")],
        [{"fact_id": "deaths", "label": "Deaths", "comparison": "number", "tolerance": "0"}])
    row = table.iloc[0]
    assert row["agreement"] == "differ"
    assert row["difference"] == "more than 200 (a) vs more than 230 (b)"


def test_rounded_figures_agree_within_the_tolerance_and_externals_count_as_sources():
    external = pd.DataFrame([{"external_id": "x", "fact_id": "share", "statement": "s",
                              "value": "77.18%", "number": "77.18", "reference": "key"}])
    table = consistency_of(
        [statement("a", "77%", "77", "share")],
        [{"fact_id": "share", "label": "Share", "comparison": "number", "tolerance": "0.5"}],
        external)
    assert table.iloc[0]["agreement"] == "agree within 0.5"
    assert table.iloc[0]["statements"] == "a: 77%; external: key: 77.18%"


def test_a_fact_stated_by_one_source_is_not_a_consistency_row():
    table = consistency_of(
        [statement("a", "x", "1"), statement("a", "x", "1")],
        [{"fact_id": "deaths", "label": "Deaths", "comparison": "number", "tolerance": "0"}])
    assert table.empty


@pytest.mark.corpus
def test_the_consistency_table_reports_the_death_toll_disagreement():
    table = load_table("fact-consistency").set_index("topic_id")
    deaths = table.loc["january-2022-deaths"]
    assert deaths["agreement"] == "differ"
    assert "more than 230" in deaths["difference"] and "more than 200" in deaths["difference"]


def test_claims_per_source_counts_every_claim_and_every_source(claims, sources):
    counts = claims_per_source(claims, sources)
    assert counts["Claims"].sum() == len(claims)
    assert set(counts["Source"]) == set(sources["source_id"])


def test_a_change_judged_on_the_2026_constitution_needs_an_external_claim(data_copy, provisions):
    """An institution the 2026 constitution adds or removes is judged on a ledger row."""
    judged = provisions[provisions["direction_refers_to"].isin(
        period_ids(load_table("periods"), EXTERNAL))]
    row = judged.index[0] + 2
    provision_id = judged["provision_id"].iloc[0]
    ledger = load_table("external-claims")
    ledger[ledger["provision_id"] != provision_id].to_csv(
        data_copy / "coding" / "external_claims.csv", index=False, lineterminator="\n")
    issues = [str(issue) for issue in change_kind_issues(data_copy)]
    assert any(f"provisions.csv, row {row}, field 'direction_refers_to'" in issue
               and "the external claims ledger states nothing" in issue for issue in issues), issues


@pytest.mark.corpus
def test_the_report_s_reading_of_the_proposals_then_and_now_holds(matrix):
    """The 2021 draft and the 2025-26 proposals share these provisions and differ on each."""
    both = matrix[(matrix["draft-2021"] != NOT_STATED) & (matrix["proposal-2025-26"] != NOT_STATED)]
    assert set(both["provision_id"]) == {"parliament-structure", "majilis-electoral-system",
                                         "self-nomination", "local-elections"}
    assert (both["draft-2021"] != both["proposal-2025-26"]).all()


@pytest.mark.corpus
def test_the_report_s_reading_of_the_timeline_holds(sources):
    """Three clusters of texts, none written between mid-2022 and late 2025."""
    years = sorted(sources["date_earliest"].str[:4])
    assert years == ["2021", "2022", "2022", "2025", "2026"]
    assert not sources["date_earliest"].between("2022-07-01", "2025-08-31").any()


def test_direction_counts_name_each_direction_but_the_one_left_out_largest_first():
    from kzreform.provisions.display import direction_counts
    counts = pd.Series({"stays": 5, "towards a": 1, "towards b": 2, "towards c": 0})
    assert direction_counts(counts, "stays") == "2 towards b and 1 towards a"
    assert direction_counts(counts.drop("towards b"), "stays") == "1 towards a"
    assert direction_counts(pd.Series({"stays": 3}), "stays") == "none"
    assert direction_counts(pd.Series({"x": 1, "y": 1, "z": 1}), "w") == "1 x, 1 y and 1 z"

