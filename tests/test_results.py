"""The results stage: the figures the notebooks and the report show are stored, not recomputed."""

import inspect
import re

import nbformat
import pandas as pd
import pytest

from kzreform.core.codebook import HAND_CODED, load_codebook
from kzreform.core.data import load_table
from kzreform.core.paths import DATA, ROOT
from kzreform.framing import analysis, display
from kzreform.pipeline import results
from kzreform.pipeline.stages import stage
from kzreform.report import article

pytestmark = pytest.mark.usefixtures("fast_build")

NOTEBOOKS = sorted((ROOT / "analysis").glob("*.ipynb"))
# What computes a framing figure: the results stage calls these, a display never does.
STATISTICS = re.compile(
    r"groupby|crosstab|value_counts|bootstrap\w*\(|drop_duplicates|pivot_table|"
    r"framing\.(hand_coding|coded_paragraphs|stance_by_target|source_summary|frame_shares|"
    r"voice_shares|exemplars|distinctive_words|target_counts|coded_per_source|leading_categories)\(")


def display_code():
    """(where, code) of every notebook code cell and of what writes the article's values."""
    code = [(f"{path.name} cell {number}",
             "\n".join(line for line in cell.source.splitlines() if not line.startswith("#|")))
            for path in NOTEBOOKS
            for number, cell in enumerate(nbformat.read(path, as_version=4).cells)
            if cell.cell_type == "code"]
    return code + [("kzreform/report/article.py", inspect.getsource(article))]


def test_notebooks_and_the_article_compute_no_framing_statistics():
    computing = [(where, match.group(0)) for where, code in display_code()
                 for match in STATISTICS.finditer(code)]
    assert computing == []


def test_the_statistics_pattern_finds_what_it_forbids():
    assert STATISTICS.search('coded.groupby("source_id")["stance"].mean()')
    assert STATISTICS.search("framing.stance_by_target(coded, sources, codebook)")
    assert STATISTICS.search("bootstrap_means(values, rng, 1000)")
    assert not STATISTICS.search('load_table("stance-by-target")  # with bootstrap intervals')


def test_the_framing_results_rest_on_the_findings_coding(monkeypatch):
    manual = analysis.hand_coding(DATA)
    changed = manual.assign(stance=-manual["stance"])
    monkeypatch.setattr(analysis, "hand_coding", lambda data_dir=DATA: changed)
    tables = results.results_tables(DATA, {name: load_table(name)
                                           for name in stage("results").reads})
    coded = tables["coded-paragraphs"].set_index("paragraph_id")
    hand = changed.set_index("paragraph_id")
    assert (coded.loc[hand.index, "stance"] == hand["stance"]).all()
    stored = load_table("stance-by-target").set_index(["source_id", "stance_target"])
    rebuilt = tables["stance-by-target"].set_index(["source_id", "stance_target"])
    # A source the hand coding codes it codes whole (a content rule of the corpus stage).
    by_hand = coded.loc[coded["coding"] == HAND_CODED, "source_id"]
    hand_coded = rebuilt.index.get_level_values("source_id").isin(by_hand)
    assert hand_coded.any()
    assert (rebuilt.loc[hand_coded, "mean_stance"]
            == -stored.loc[rebuilt.index[hand_coded], "mean_stance"]).all()


def test_the_per_source_coding_lists_sources_by_date_then_their_totals(sources):
    coding = load_table("coding-per-source")
    counts = coding.drop(columns=["source_id", "source"])
    assert coding["source_id"].iloc[-1] == analysis.ALL_SOURCES
    assert (counts.iloc[:-1].sum() == counts.iloc[-1]).all()
    dates = sources.set_index("source_id").loc[coding["source_id"].iloc[:-1], "date_earliest"]
    assert list(dates) == sorted(dates)
    assert analysis.source_labels_in_order(coding) == coding["source"].iloc[:-1].tolist()


def test_stored_target_counts_show_as_the_counts_they_store():
    codebook = load_codebook()
    targets = list(codebook.targets)[:2]
    wide = pd.DataFrame([[1, 2, 3], [0, 4, 4], [1, 6, 7]],
                        index=pd.Index([*targets, analysis.TOTAL], name="stance target"),
                        columns=["z-2021", "a-2022", analysis.TOTAL])
    shown = display.target_counts_table(analysis.target_counts_long(wide), codebook)
    expected = wide.rename(index=codebook.targets).rename_axis(columns=None)
    pd.testing.assert_frame_equal(shown, expected, check_names=False)
    assert list(shown.columns) == ["z-2021", "a-2022", analysis.TOTAL]


def test_headline_figures_total_the_tables_they_summarise():
    figures = load_table("headline-figures").set_index("figure")["value"]
    accuracy = load_table("source-accuracy")
    for verdict in results.ACCURACY_TOTALS:
        assert figures[f"statements_{verdict}"] == accuracy[verdict].sum()
    assert figures["coded_paragraphs"] == len(load_table("coded-paragraphs"))
    coded = load_table("coded-paragraphs")
    compared = coded["stance_target"].isin(load_codebook().stance_on_target)
    assert figures["coded_paragraphs_not_compared"] == (~compared).sum()
    assert figures["body_paragraphs"] == figures["coded_paragraphs"]  # every body paragraph
