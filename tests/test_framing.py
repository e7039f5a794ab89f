"""The framing codebook, the hand coding, the automated coder and its agreement measures."""

import json

import numpy as np
import pandas as pd
import pytest

from kzreform import build, checks, framing
from kzreform.data import load_table, read_yaml
from kzreform.errors import DataValidationError
from kzreform.paths import DATAPACKAGE


@pytest.fixture(scope="module")
def lexicon(codebook):
    return framing.load_lexicon(codebook)


@pytest.fixture(scope="module")
def manual():
    return load_table("framing-manual")


def resource_fields(name):
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    return {field["name"]: field for field in resource["schema"]["fields"]}


# ---- codebook and hand coding ----

def test_codebook_defines_every_frame_fully(codebook):
    document = read_yaml(framing.CODEBOOK)
    for frame in document["frames"]:
        for field in ("definition", "code_when", "do_not_code_when", "example"):
            assert str(frame[field]).strip(), (frame["id"], field)
    assert sorted(codebook.stance_levels) == [-2, -1, 0, 1, 2]


@pytest.mark.parametrize("resource", ["framing-manual", "framing-auto"])
def test_data_package_enumerates_the_codebook(codebook, resource):
    fields = resource_fields(resource)
    assert fields["primary_frame"]["constraints"]["enum"] == list(codebook.frames)
    for voice in codebook.voices:
        assert voice in fields["voices"]["constraints"]["pattern"]
    for frame in codebook.frames:
        assert frame in fields["secondary_frames"]["constraints"]["pattern"]


def test_hand_coding_covers_every_body_paragraph_of_the_hand_coded_sources(
        manual, paragraphs, codebook):
    assert checks.manual_coding_issues(codebook, paragraphs) == []
    body = framing.body_paragraphs(paragraphs)
    body = body[body["source_id"].isin(codebook.hand_coded_sources)]
    assert sorted(manual["paragraph_id"]) == sorted(body["paragraph_id"])


def build_error(data_dir):
    with pytest.raises(DataValidationError) as error:
        build.build(data_dir)
    return str(error.value)


def edit_manual(data_dir, edit):
    path = data_dir / "coding" / "framing_manual.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table).to_csv(path, index=False, lineterminator="\n")


@pytest.mark.parametrize("field, value", [
    ("primary_frame", "vibes"), ("secondary_frames", "legality;nonsense"), ("stance", "3"),
    ("voices", "aliens"),
])
def test_bad_hand_coding_names_row_field_and_value(data_copy, field, value):
    def edit(table):
        table.loc[0, field] = value
        return table
    edit_manual(data_copy, edit)
    assert f"data/coding/framing_manual.csv, row 2, field {field!r}, value {value!r}: " \
        "[constraint-error]" in build_error(data_copy)


def test_secondary_frame_may_not_repeat_primary(data_copy):
    def edit(table):
        table.loc[0, "secondary_frames"] = table.loc[0, "primary_frame"]
        return table
    edit_manual(data_copy, edit)
    assert "row 2, field 'secondary_frames'" in build_error(data_copy)
    assert "repeats the primary frame" in build_error(data_copy)


def test_duplicate_missing_and_heading_rows_are_reported(data_copy, manual, paragraphs):
    heading = paragraphs.loc[paragraphs["kind"] == "heading", "paragraph_id"].iloc[0]
    missing = manual.loc[0, "paragraph_id"]

    def edit(table):
        table = pd.concat([table.iloc[1:], table.iloc[[1]]], ignore_index=True)
        table.loc[len(table) - 1, "paragraph_id"] = heading
        return table
    edit_manual(data_copy, edit)
    message = build_error(data_copy)
    assert f"value {missing!r}: is a body paragraph of a hand-coded source but is not coded" \
        in message
    assert f"row {len(manual) + 1}, field 'paragraph_id', value {heading!r}: is a heading" \
        in message
    edit_manual(data_copy, lambda table: pd.concat([table, table.iloc[[0]]]))
    assert "[primary-key]" in build_error(data_copy)


# ---- issue 11, case 5: hand_coded_sources is a list of known source ids ----------

@pytest.mark.parametrize("listed, expected", [
    ("anon-2026", "field 'hand_coded_sources', value 'anon-2026': must be a list of source ids"),
    ("[anon-2026, nosuch-1999]",
     "field 'hand_coded_sources', value 'nosuch-1999': is not a source id of"),
])
def test_hand_coded_sources_must_list_known_sources(data_copy, listed, expected):
    path = data_copy / "coding" / "codebook.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("hand_coded_sources:")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"hand_coded_sources: {listed}" + text[end:], encoding="utf-8")
    assert f"data/coding/codebook.yml, {expected}" in build_error(data_copy)


# ---- the automated coder ----

def test_lexicon_rows_are_validated_by_the_schema(data_copy):
    path = data_copy / "coding" / "lexicon.csv"
    good = pd.read_csv(path, dtype=str, keep_default_na=False)
    for field, value in [("kind", "mood"), ("target", "vibes"), ("term", "Two  Spaces"),
                         ("weight", "heavy")]:
        broken = good.copy()
        broken.loc[2, field] = value
        broken.to_csv(path, index=False, lineterminator="\n")
        assert f"lexicon.csv, row 4, field {field!r}, value {value!r}" in build_error(data_copy)


def test_a_lexicon_target_must_belong_to_its_kind(data_copy, codebook):
    path = data_copy / "coding" / "lexicon.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table.index[table["kind"] == "voice"][0]
    table.loc[row, "target"] = next(iter(codebook.frames))
    table.to_csv(path, index=False, lineterminator="\n")
    assert f"lexicon.csv, row {row + 2}, field 'target'" in build_error(data_copy)


def test_codes_unseen_critical_paragraph(lexicon):
    text = ("Opposition activists told a rally that the new basic law is window dressing: "
            "an authoritarian scheme to entrench presidential control, and critics urged a boycott.")
    coded = framing.code_text(text, lexicon)
    assert coded["primary_frame"] == "window_dressing"
    assert coded["stance"] < 0
    assert "opposition_activists" in coded["voices"].split(";")


def test_codes_unseen_favourable_paragraph(lexicon):
    text = ("Officials hailed a landmark law on local councils as robust democratization that "
            "makes parliament more accountable and inclusive.")
    coded = framing.code_text(text, lexicon)
    assert coded["primary_frame"] == "democratisation"
    assert coded["stance"] > 0
    assert coded["voices"] == framing.NO_VOICE


def test_text_without_cues_gets_the_fallback(lexicon):
    coded = framing.code_text("The weather was mild and the river froze late.", lexicon)
    assert coded == {"primary_frame": framing.FALLBACK_FRAME, "secondary_frames": "",
                     "stance": 0, "voices": framing.NO_VOICE}


def test_prefix_and_phrase_terms(codebook):
    lexicon = framing.Lexicon([("frame", "legality", "rule of law", 1.0),
                               ("frame", "economic", "econom*", 1.0),
                               ("stance", "stance", "fear", -5.0)], tuple(codebook.frames))
    scores = lexicon.scores("Economic rule of law; economy. The rule was of law.")
    assert scores["frame"] == {"economic": 2.0, "legality": 1.0}
    assert framing.code_text("fear", lexicon)["stance"] == framing.MIN_STANCE


def test_auto_code_skips_headings_and_footnotes(paragraphs, lexicon):
    coded = framing.auto_code(paragraphs, lexicon)
    body = framing.body_paragraphs(paragraphs)
    assert coded["paragraph_id"].tolist() == body["paragraph_id"].tolist()
    assert (coded["coding"] == framing.AUTOMATED).all()


def test_stored_automated_coding_is_current(paragraphs, lexicon):
    stored = load_table("framing-auto")
    fresh = framing.auto_code(paragraphs, lexicon)
    pd.testing.assert_frame_equal(stored, fresh, check_dtype=False)


# ---- agreement and analysis ----

def test_agreement_of_a_coding_with_itself_is_perfect(manual, codebook):
    auto = manual.drop(columns="note").assign(stance=manual["stance"].astype(int))
    table = framing.agreement(manual, auto, codebook)
    assert table["alpha"].dropna().eq(1.0).all()
    frames = table[table.index.str.startswith("frame present")]
    assert frames["precision"].dropna().eq(1.0).all()
    assert frames["recall"].dropna().eq(1.0).all()


def test_precision_and_recall_count_primary_and_secondary_frames(codebook):
    manual = pd.DataFrame({"paragraph_id": ["a", "b", "c"],
                           "primary_frame": ["legality", "legality", "economic"],
                           "secondary_frames": ["", "political", ""],
                           "stance": ["0", "1", "-1"], "voices": ["none"] * 3})
    auto = manual.assign(primary_frame=["legality", "political", "legality"],
                         secondary_frames=["", "", ""])
    table = framing.agreement(manual, auto, codebook)
    legality = table.loc["frame present: Legality and constitutionality"]
    assert (legality["precision"], legality["recall"]) == (1 / 2, 1 / 2)
    political = table.loc["frame present: Political power and elite competition"]
    assert (political["precision"], political["recall"]) == (1.0, 1.0)
    assert table.loc["stance (ordinal, −2 to +2)", "alpha"] == 1.0


def test_weighted_log_odds_is_antisymmetric_for_two_groups():
    texts = pd.Series(["reform reform court", "vote reform", "vote vote court", "vote court"])
    groups = pd.Series(["a", "a", "b", "b"])
    scores = framing.weighted_log_odds(texts, groups, min_count=0).set_index(["group", "word"])
    assert scores.loc[("a", "reform"), "z"] > 0 > scores.loc[("b", "reform"), "z"]
    np.testing.assert_allclose(scores.xs("a")["z"], -scores.xs("b")["z"])


def test_coded_paragraphs_prefer_hand_coding(paragraphs, manual, codebook, lexicon):
    auto = framing.auto_code(paragraphs, lexicon)
    only_some = framing.Codebook(codebook.frames, codebook.voices, codebook.stance_levels,
                                 ("tni-2022",))
    coded = framing.coded_paragraphs(paragraphs, manual, auto, only_some)
    assert set(coded.loc[coded["coding"] == framing.HAND_CODED, "source_id"]) == {"tni-2022"}
    assert len(coded) == len(framing.body_paragraphs(paragraphs))
    labels = framing.with_source_labels(coded)["source"]
    assert f"fpc-2021 ({framing.AUTOMATED})" in set(labels)


def test_exemplar_quotes_are_verbatim(paragraphs, manual, codebook, lexicon):
    coded = framing.coded_paragraphs(paragraphs, manual, framing.auto_code(paragraphs, lexicon),
                                     codebook)
    table = framing.exemplars(coded, codebook)
    texts = dict(zip(coded["paragraph_id"], coded["text"]))
    for row in table.reset_index().itertuples():
        quote = row.quote.strip("“”").removesuffix(" …")
        assert quote in texts[row.paragraph]
        assert len(quote.split()) <= 30


def test_distinctive_words_leave_out_function_words(paragraphs, manual, codebook, lexicon):
    coded = framing.coded_paragraphs(paragraphs, manual, framing.auto_code(paragraphs, lexicon),
                                     codebook)
    words = framing.distinctive_words(coded, top=20)
    stopwords = framing.load_stopwords()
    assert {"the", "of", "and"} <= stopwords
    assert not set(words["word"]) & stopwords
    assert set(words["source"]) == set(framing.with_source_labels(coded)["source"])


def test_parallel_coding_equals_coding_in_turn(paragraphs, lexicon):
    many = pd.concat([paragraphs] * 25, ignore_index=True)
    many["paragraph_id"] = [f"x-p{number:05d}" for number in range(len(many))]
    assert len(framing.body_paragraphs(many)) >= framing.PARALLEL_MIN_PARAGRAPHS
    pd.testing.assert_frame_equal(framing.auto_code(many, lexicon, workers=2),
                                  framing.auto_code(many, lexicon, workers=1))
