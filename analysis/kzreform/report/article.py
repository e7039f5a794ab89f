"""What the article shows from the stored results, written before each render.

The article, ``report/index.qmd``, runs no code: Quarto would start a kernel
and run it once per output format. Its prose takes each value from
``{{< meta article.NAME >}}`` (:func:`article_values`, written by
``python -m kzreform report-assets``), and its generated blocks (the evidence
appendices and how to cite) from
``{{< include _generated/NAME.md >}}`` (:func:`article_blocks`). Every value
is read from the tables the build stored and formatted here, never computed
from the data (issue 15). Values that name a source, a stance target or a
coder exist for each of them, so the prose may quote any.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core import vocabulary
from kzreform.core.bootstrap import INTERVAL
from kzreform.core.codebook import codebook_path, load_codebook
from kzreform.core.data import load_table
from kzreform.core.paths import DATA
from kzreform.evidence.quotes import load_evidence
from kzreform.framing.analysis import MIXED_STANCE, TOTAL
from kzreform.framing.coders import MajorityCoder
from kzreform.framing.display import (ALPHA_ITEMS, alpha_between, headline, leading_text,
                                      signed, stance_cells)
from kzreform.framing.intercoder import BETWEEN_CODERS
from kzreform.framing.reliability import flag_beats_chance, overall_calibration
from kzreform.provisions.display import direction_counts
from kzreform.provisions.periods import period_ids
from kzreform.report import citation as cite

# The final 2026 referendum result, as the Central Referendum Commission adopted it.
FINAL_RESULT_2026 = "interfax2026final"


def _reform_values(data_dir: Path) -> dict:
    reforms = (load_table("reforms-by-direction", data_dir)
               .set_index(["kind", "power_direction"])["reforms"])
    values = {}
    for name, kind in (("enacted", vocabulary.IN_FORCE), ("proposed", vocabulary.PROPOSAL)):
        counts = reforms.loc[kind] if kind in reforms.index.get_level_values(0) else pd.Series()
        values[name] = {"reforms": int(counts.sum()),
                        "no_shift": int(counts.get(vocabulary.NO_SHIFT, 0)),
                        "shifts": direction_counts(counts, vocabulary.NO_SHIFT)}
    matrix = load_table("provisions-matrix", data_dir)
    proposals = period_ids(load_table("periods", data_dir), vocabulary.PROPOSAL)
    # Provisions every proposal period states something about.
    values["both_proposed"] = int((matrix[proposals] != vocabulary.NOT_STATED).all(axis=1).sum())
    result = (load_table("external-facts", data_dir).query("reference == @FINAL_RESULT_2026")
              .set_index("fact_id")["value"])
    values["result_2026"] = {"approval": result["referendum-2026-approval"],
                             "turnout": result["referendum-2026-turnout"]}
    return values


def _accuracy_values(figures: pd.Series, data_dir: Path) -> dict:
    accuracy = load_table("source-accuracy", data_dir)
    return {"checked": int(figures["statements_checked"]),
            "contradicted": int(figures["statements_source_claim_contradicted"]),
            "unverifiable": int(figures["statements_not_verifiable_here"]),
            "imprecise": int(figures["statements_imprecise"]),
            "contradicted_sources": ", ".join(
                accuracy.loc[accuracy["source_claim_contradicted"] > 0, "source_id"])}


def _stance_values(figures: pd.Series, codebook, data_dir: Path) -> dict:
    by_target = load_table("stance-by-target", data_dir)
    counts = load_table("target-counts", data_dir)
    target_counts = (counts[counts["source_id"] == TOTAL]
                     .set_index("stance_target")["paragraphs"])
    summary = load_table("source-summary", data_dir)
    mixed = summary[summary["item"] == MIXED_STANCE].set_index("source_id")["estimate"]
    stance, means = {}, {}
    for source, target, mean, cell in zip(by_target["source_id"], by_target["stance_target"],
                                          by_target["mean_stance"], stance_cells(by_target)):
        stance.setdefault(source, {})[target] = cell
        means.setdefault(source, []).append(mean)
    leading = load_table("leading-categories", data_dir)
    return {
        "stance": stance,
        "lowest_stance": {source: signed(min(values)) for source, values in means.items()},
        "sources_evaluating": {target: int((by_target["stance_target"] == target).sum())
                               for target in codebook.targets},
        "mixed_stance": {source: signed(value) for source, value in mixed.items()},
        "not_on_target": int(figures["coded_paragraphs_not_compared"]),
        "unevaluated_targets": " and ".join(
            f"“{codebook.targets[target]}”" for target in codebook.targets
            if target_counts.get(target, 0) == 0) or "none",
        "leading_frames": leading_text(leading, "frame"),
        "leading_voices": leading_text(leading, "voice"),
    }


def _reliability_values(figures: pd.Series, codebook, data_dir: Path) -> dict:
    evaluation = load_table("framing-reliability", data_dir)
    chosen = evaluation.loc[evaluation["chosen"], "coder"].iloc[0]
    # The variables the automated coders are evaluated on, as stored.
    evaluated = evaluation.loc[(evaluation["coder"] == chosen)
                               & (evaluation["measure"] == vocabulary.ALPHA), "item"]
    flag_shares = (evaluation[(evaluation["coder"] == chosen)
                              & (evaluation["measure"] == vocabulary.FLAGGED)]
                   .set_index("item")["estimate"])
    mean_confidence, share_right = (f"{share:.0%}" for share in overall_calibration(
        load_table("framing-calibration", data_dir), chosen))
    intercoder = load_table("intercoder-reliability", data_dir)
    decided = {decision: int(figures[vocabulary.decision_figure(decision)])
               for decision in vocabulary.DECIDED_BY}
    reconciled = int(figures["reconciled_paragraphs"])
    return {
        "interval": f"{INTERVAL[1] - INTERVAL[0]:.0f}%",
        "chosen_coder": evaluation.loc[evaluation["chosen"], "coder_label"].iloc[0],
        "chosen_alpha": {item: headline(evaluation, chosen, item) for item in evaluated},
        "baseline_alpha": {item: headline(evaluation, MajorityCoder.name, item)
                           for item in evaluated},
        "flagged_in_sample": f"{load_table('framing-auto', data_dir)['check_by_hand'].mean():.0%}",
        "flagged_out_of_sample": f"{flag_shares[vocabulary.FLAGGED_PARAGRAPHS]:.0%}",
        "errors_flagged": f"{flag_shares[vocabulary.FLAGGED_ERRORS]:.0%}",
        "flag_verdict": ("better than" if flag_beats_chance(evaluation, chosen)
                         else "no better than"),
        "mean_confidence": mean_confidence,
        "share_right": share_right,
        "trained_on": int(figures["hand_coded_paragraphs"]),
        "between_coders": {item: alpha_between(intercoder, BETWEEN_CODERS, item)
                           for item in ALPHA_ITEMS},
        "reconciled_paragraphs": reconciled,
        "decided": {vocabulary.as_name(decision): count for decision, count in decided.items()},
        "disagreed": reconciled - decided[vocabulary.AGREEMENT],
        "codebook_changes": len(codebook.changes),
    }


def article_values(data_dir: Path = DATA) -> dict:
    """Every value the article's prose quotes, formatted as it reads (nested by topic)."""
    sources = load_table("sources", data_dir)
    figures = load_table("headline-figures", data_dir).set_index("figure")["value"]
    codebook = load_codebook(codebook_path(data_dir))
    return {
        "sources": len(sources),
        "first_year": sources["date_earliest"].min()[:4],
        "last_year": sources["date_latest"].max()[:4],
        "publication_years": ", ".join(sorted(set(sources["date_earliest"].str[:4]))),
        "body_paragraphs": f"{figures['body_paragraphs']:,}",
        "body_words": f"{figures['body_words']:,}",
        "coded_paragraphs": int(figures["coded_paragraphs"]),
        "stance_targets": len(codebook.targets),
        **_reform_values(data_dir),
        **_accuracy_values(figures, data_dir),
        **_stance_values(figures, codebook, data_dir),
        **_reliability_values(figures, codebook, data_dir),
    }


def article_blocks() -> dict[str, str]:
    """Markdown blocks the article includes, by file stem: the evidence and how to cite."""
    evidence = load_evidence()
    citation = cite.load_citation()
    return {"evidence": evidence.markdown(),
            "external-evidence": evidence.external_markdown(),
            "how-to-cite": (f"{cite.citation_text(citation)}\n\n```bibtex\n"
                            f"{cite.citation_bibtex(citation)}\n```")}
