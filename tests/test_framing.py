"""The framing codebook, the hand coding, the automated coders and their evaluation."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from kzreform import autocoders, codebook as codebook_module, framing, reliability
from kzreform.errors import DataValidationError
from kzreform.paths import DATAPACKAGE, PARAGRAPHS


@pytest.fixture(scope="module")
def codebook():
    return codebook_module.load_codebook()


@pytest.fixture(scope="module")
def lexicon(codebook):
    return autocoders.load_lexicon(codebook)


@pytest.fixture(scope="module")
def paragraphs():
    return pd.read_csv(PARAGRAPHS, keep_default_na=False)


@pytest.fixture(scope="module")
def manual():
    return codebook_module.load_manual_coding()


def resource_fields(name):
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    return {field["name"]: field for field in resource["schema"]["fields"]}


# ---- codebook and hand coding ----

def test_codebook_defines_every_frame_fully(codebook):
    document = codebook_module.yaml.safe_load(codebook_module.CODEBOOK.read_text(encoding="utf-8"))
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


def test_hand_coding_covers_every_body_paragraph_once(manual, paragraphs, codebook):
    assert codebook_module.manual_coding_errors(manual, paragraphs, codebook) == []
    body = codebook_module.body_paragraphs(paragraphs)
    assert sorted(manual["paragraph_id"]) == sorted(body["paragraph_id"])
    assert not set(manual["paragraph_id"]) & set(
        paragraphs.loc[~paragraphs["kind"].isin(codebook_module.BODY_KINDS), "paragraph_id"])


def first_error(table, paragraphs, codebook):
    errors = codebook_module.manual_coding_errors(table, paragraphs, codebook)
    assert errors
    return "\n".join(errors)


@pytest.mark.parametrize("field, value, expected", [
    ("primary_frame", "vibes", "row 2, field 'primary_frame': unknown frame 'vibes'"),
    ("secondary_frames", "legality;nonsense", "row 2, field 'secondary_frames': unknown frame"),
    ("stance", "3", "row 2, field 'stance': '3' is not one of"),
    ("voices", "aliens", "row 2, field 'voices': unknown voice 'aliens'"),
])
def test_bad_hand_coding_names_row_and_field(manual, paragraphs, codebook, field, value,
                                             expected):
    broken = manual.copy()
    broken.loc[0, field] = value
    message = first_error(broken, paragraphs, codebook)
    assert "data/coding/framing_manual.csv, " + expected in message


def test_secondary_frame_may_not_repeat_primary(manual, paragraphs, codebook):
    broken = manual.copy()
    broken.loc[0, "secondary_frames"] = broken.loc[0, "primary_frame"]
    assert "repeats the primary frame" in first_error(broken, paragraphs, codebook)


def test_duplicate_missing_and_heading_rows_are_reported(manual, paragraphs, codebook):
    heading = paragraphs.loc[paragraphs["kind"] == "heading", "paragraph_id"].iloc[0]
    broken = pd.concat([manual.iloc[1:], manual.iloc[[1]]], ignore_index=True)
    broken.loc[len(broken) - 1, "paragraph_id"] = heading
    broken = pd.concat([broken, broken.iloc[[0]]], ignore_index=True)
    message = first_error(broken, paragraphs, codebook)
    assert (f"{manual.loc[0, 'paragraph_id']!r} of hand-coded source 'anon-2026' is not coded"
            in message)
    assert f"{heading!r} is a heading" in message
    assert "is coded more than once" in message
    with pytest.raises(DataValidationError, match="invalid hand coding"):
        codebook_module.validate_manual_coding(broken, paragraphs, codebook)


# ---- the automated coder ----

def test_lexicon_rows_are_validated(tmp_path, codebook):
    good = pd.read_csv(autocoders.LEXICON, dtype=str, keep_default_na=False)
    for field, value in [("kind", "mood"), ("target", "vibes"), ("term", "Two  Spaces"),
                         ("weight", "heavy")]:
        broken = good.copy()
        broken.loc[2, field] = value
        path = tmp_path / "lexicon.csv"
        broken.to_csv(path, index=False)
        with pytest.raises(DataValidationError, match=f"row 4, field '{field}'"):
            autocoders.load_lexicon(codebook, path)


def test_codes_unseen_critical_paragraph(lexicon):
    text = ("Opposition activists told a rally that the new basic law is window dressing: "
            "an authoritarian scheme to entrench presidential control, and critics urged a boycott.")
    coded = autocoders.code_text(text, lexicon)
    assert coded["primary_frame"] == "window_dressing"
    assert coded["stance"] < 0
    assert "opposition_activists" in coded["voices"].split(";")


def test_codes_unseen_favourable_paragraph(lexicon):
    text = ("Officials hailed a landmark law on local councils as robust democratization that "
            "makes parliament more accountable and inclusive.")
    coded = autocoders.code_text(text, lexicon)
    assert coded["primary_frame"] == "democratisation"
    assert coded["stance"] > 0
    assert coded["voices"] == codebook_module.NO_VOICE


def test_text_without_cues_gets_the_fallback(lexicon):
    coded = autocoders.code_text("The weather was mild and the river froze late.", lexicon)
    assert coded == {"primary_frame": autocoders.FALLBACK_FRAME, "secondary_frames": "",
                     "stance": 0, "voices": codebook_module.NO_VOICE, "confidence": 0.0}


def test_prefix_and_phrase_terms(codebook):
    lexicon = autocoders.Lexicon([("frame", "legality", "rule of law", 1.0),
                                  ("frame", "economic", "econom*", 1.0),
                                  ("stance", "stance", "fear", -5.0)], tuple(codebook.frames))
    scores = lexicon.scores("Economic rule of law; economy. The rule was of law.")
    assert scores["frame"] == {"economic": 2.0, "legality": 1.0}
    assert autocoders.code_text("fear", lexicon)["stance"] == autocoders.MIN_STANCE


def test_auto_code_skips_headings_and_footnotes(paragraphs, lexicon):
    coded = autocoders.auto_code(paragraphs, autocoders.LexiconCoder(lexicon))
    body = codebook_module.body_paragraphs(paragraphs)
    assert coded["paragraph_id"].tolist() == body["paragraph_id"].tolist()
    assert (coded["coding"] == codebook_module.AUTOMATED).all()
    assert coded["check_by_hand"].equals(coded["confidence"] < autocoders.CHECK_BY_HAND_BELOW)


# ---- reading a paragraph: negation, attribution, generic voices ----

@pytest.fixture(scope="module")
def cues(codebook):
    return autocoders.load_voice_cues(codebook)


def stance_cues(text, cues):
    _, valence, _ = autocoders.read_paragraph(text, cues)
    return dict(zip([f"{holder} {sign}" for holder in autocoders.CLAIM_HOLDERS
                     for sign in ("positive", "negative")], valence))


def test_negation_marks_words_and_flips_their_valence(cues):
    words, _, _ = autocoders.read_paragraph("The reform is not good for anyone.", cues)
    assert "not_good" in words and "good" not in words
    assert stance_cues("The reform is not good.", cues)["own negative"] > 0
    assert stance_cues("The reform is good.", cues)["own positive"] > 0


@pytest.mark.parametrize("text, holder, voice", [
    ("The government said the reform is a great success.", "official", "president_government"),
    ("Scholars argue the reform is a great success.", "other", "experts_analysts"),
    ("The election commission announced a great success.", "official", "president_government"),
    ("A voter told reporters it was a great success.", "other", "citizens_social_media"),
    ("The reform is a great success.", "own", None),
])
def test_stance_cues_sit_in_the_claim_of_whoever_is_reported(cues, text, holder, voice):
    found = stance_cues(text, cues)
    assert found[f"{holder} positive"] > 0
    assert not [key for key, value in found.items() if value and not key.startswith(holder)]
    _, _, voices = autocoders.read_paragraph(text, cues)
    assert voices == ([voice] if voice else [])


def test_an_actor_named_without_reporting_is_not_a_voice(cues):
    assert autocoders.read_paragraph("The government built a road.", cues)[2] == []


def test_voice_cue_rows_are_validated(tmp_path, codebook):
    good = pd.read_csv(autocoders.VOICE_CUES, dtype=str, keep_default_na=False)
    actor = good.index[good["role"] == "actor"][0]
    for field, value in [("role", "speaker"), ("voice", "aliens"), ("term", "Two  Spaces")]:
        broken = good.copy()
        broken.loc[actor, field] = value
        path = tmp_path / "voice_cues.csv"
        broken.to_csv(path, index=False)
        with pytest.raises(DataValidationError, match=f"row {actor + 2}, field '{field}'"):
            autocoders.load_voice_cues(codebook, path)


# ---- the supervised coders ----

@pytest.fixture(scope="module")
def labelled(paragraphs, manual):
    return reliability.hand_coded_texts(paragraphs, manual)


@pytest.mark.parametrize("full", [False, True])
def test_supervised_coder_is_deterministic_and_codes_every_text(codebook, cues, labelled, full):
    coder = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=full)
    texts = labelled["text"].tolist()
    first = coder.fit(texts, labelled).code(texts[:20])
    again = coder.fit(texts, labelled).code(texts[:20])
    assert first == again and len(first) == 20
    for row in first:
        assert row["primary_frame"] in codebook.frames
        assert row["primary_frame"] not in row["secondary_frames"].split(";")
        assert row["stance"] in codebook.stance_levels
        assert 0 <= row["confidence"] <= 1
    assert coder.fit(texts, labelled).code([]) == []


def test_majority_baseline_codes_the_commonest_frame(labelled):
    coded = autocoders.MajorityCoder().fit([], labelled).code(["anything", "else"])
    assert {row["primary_frame"] for row in coded} == {labelled["primary_frame"].mode()[0]}


# ---- out-of-sample evaluation ----

class RecordingCoder(autocoders.MajorityCoder):
    """The baseline, remembering what it was trained on."""

    trained_on: list = []

    def fit(self, texts, labels):
        RecordingCoder.trained_on.append(set(texts))
        return super().fit(texts, labels)


def test_leave_one_source_out_never_trains_on_the_source_it_codes(labelled):
    RecordingCoder.trained_on = []
    coded = reliability.leave_one_source_out(RecordingCoder(), labelled)
    assert sorted(coded["paragraph_id"]) == sorted(labelled["paragraph_id"])
    sources = sorted(labelled["source_id"].unique())
    assert len(RecordingCoder.trained_on) == len(sources)
    for source, trained in zip(sources, RecordingCoder.trained_on):
        own = set(labelled.loc[labelled["source_id"] == source, "text"])
        assert not own & trained
        assert trained == set(labelled["text"]) - own


def test_evaluation_needs_two_sources(labelled):
    one = labelled[labelled["source_id"] == labelled["source_id"].iloc[0]]
    with pytest.raises(DataValidationError, match="at least two hand-coded sources"):
        reliability.leave_one_source_out(autocoders.MajorityCoder(), one)


def test_agreement_of_a_coding_with_itself_is_perfect(manual, codebook):
    paired = reliability.pair_codes(manual, manual.drop(columns="note"), codebook)
    values = reliability.measures(paired, codebook)
    assert values["alpha", "stance"] == values["alpha", "primary_frame"] == 1.0
    defined = [value for key, value in values.items() if key[0] != "alpha"
               and not np.isnan(value)]
    assert defined and all(value == 1.0 for value in defined)


def test_precision_and_recall_count_primary_and_secondary_frames(codebook):
    manual = pd.DataFrame({"paragraph_id": ["a", "b", "c"],
                           "primary_frame": ["legality", "legality", "economic"],
                           "secondary_frames": ["", "political", ""],
                           "stance": ["0", "1", "-1"], "voices": ["none"] * 3})
    auto = manual.assign(primary_frame=["legality", "political", "legality"],
                         secondary_frames=["", "", ""])
    values = reliability.measures(reliability.pair_codes(manual, auto, codebook), codebook)
    assert (values["precision", "legality"], values["recall", "legality"]) == (1 / 2, 1 / 2)
    assert (values["precision", "political"], values["recall", "political"]) == (1.0, 1.0)
    assert values["alpha", "stance"] == 1.0


def test_bootstrap_intervals_are_deterministic_and_bracket_the_spread(manual, codebook):
    auto = manual.assign(stance=manual["stance"].map(lambda s: str(min(int(s) + 1, 2))))
    paired = reliability.pair_codes(manual, auto, codebook)
    first = reliability.with_intervals(paired, codebook, resamples=50)
    pd.testing.assert_frame_equal(first, reliability.with_intervals(paired, codebook,
                                                                    resamples=50))
    stance = first.set_index(["measure", "item"]).loc[("alpha", "stance")]
    assert stance["ci_low"] < stance["ci_high"] < 1.0


def test_choice_ignores_in_sample_figures(codebook, lexicon, cues):
    coders = autocoders.candidate_coders(codebook, lexicon, cues)
    point = {coder.name: {("alpha", "stance"): 0.1, ("alpha", "primary_frame"): 0.1}
             for coder in coders}
    point["lexicon"] = {("alpha", "stance"): 0.9, ("alpha", "primary_frame"): 0.9}
    point["supervised-full"] = {("alpha", "stance"): 0.3, ("alpha", "primary_frame"): np.nan}
    assert reliability.choose(point, coders) == "supervised-full"


@pytest.fixture(scope="module")
def built(paragraphs):
    return framing.framing_tables({PARAGRAPHS: paragraphs})


def test_stored_framing_tables_are_current(built):
    for path, fresh in built.items():
        stored = pd.read_csv(path, dtype=str, keep_default_na=False)
        rewritten = pd.read_csv(io.StringIO(fresh.to_csv(index=False)), dtype=str,
                                keep_default_na=False)
        pd.testing.assert_frame_equal(stored, rewritten, obj=path.name)


def test_reliability_table_evaluates_every_coder_out_of_sample_or_says_not(built, codebook,
                                                                          lexicon, cues):
    table = built[framing.FRAMING_RELIABILITY]
    coders = autocoders.candidate_coders(codebook, lexicon, cues)
    evaluation = table.groupby("coder")["evaluation"].agg(set)
    for coder in coders:
        expected = reliability.LOSO if coder.fitted else reliability.IN_SAMPLE
        assert evaluation[coder.name] == {expected}
    chosen = table.loc[table["chosen"], "coder"].unique()
    assert len(chosen) == 1 and evaluation[chosen[0]] == {reliability.LOSO}
    alphas = table[table["measure"] == "alpha"]
    assert (alphas["ci_low"] <= alphas["ci_high"]).all()
    assert set(alphas["paragraphs"]) == {len(framing.load_manual_coding())}


def test_weighted_log_odds_is_antisymmetric_for_two_groups():
    texts = pd.Series(["reform reform court", "vote reform", "vote vote court", "vote court"])
    groups = pd.Series(["a", "a", "b", "b"])
    scores = framing.weighted_log_odds(texts, groups, min_count=0).set_index(["group", "word"])
    assert scores.loc[("a", "reform"), "z"] > 0 > scores.loc[("b", "reform"), "z"]
    np.testing.assert_allclose(scores.xs("a")["z"], -scores.xs("b")["z"])


@pytest.fixture(scope="module")
def stored_auto():
    return pd.read_csv(framing.FRAMING_AUTO, keep_default_na=False)


def test_coded_paragraphs_prefer_hand_coding(paragraphs, manual, stored_auto):
    only_some = manual[manual["paragraph_id"].str.startswith("tni-2022-")]
    coded = framing.coded_paragraphs(paragraphs, only_some, stored_auto)
    assert set(coded.loc[coded["coding"] == codebook_module.HAND_CODED, "source_id"]) == {"tni-2022"}
    assert len(coded) == len(codebook_module.body_paragraphs(paragraphs))
    assert not coded.loc[coded["coding"] == codebook_module.HAND_CODED, "check_by_hand"].any()
    labels = framing.with_source_labels(coded)["source"]
    assert f"fpc-2021 ({codebook_module.AUTOMATED})" in set(labels)


@pytest.fixture(scope="module")
def coded(paragraphs, manual, stored_auto):
    return framing.coded_paragraphs(paragraphs, manual, stored_auto)


def test_exemplar_quotes_are_verbatim(coded, codebook):
    table = framing.exemplars(coded, codebook)
    texts = dict(zip(coded["paragraph_id"], coded["text"]))
    for row in table.reset_index().itertuples():
        quote = row.quote.strip("“”").removesuffix(" …")
        assert quote in texts[row.paragraph]
        assert len(quote.split()) <= 30


def test_source_summary_gives_intervals_that_hold_the_estimate(coded, codebook):
    summary = framing.source_summary(coded, codebook, resamples=200)
    assert set(summary["source"]) == set(coded["source_id"])
    assert ((summary["ci_low"] <= summary["estimate"] + 1e-9)
            & (summary["estimate"] <= summary["ci_high"] + 1e-9)).all()
    shares = summary[summary["item"] != "mean stance"].groupby("source")["estimate"].sum()
    np.testing.assert_allclose(shares, 1.0)
    single = coded.groupby("source_id").head(1)
    one = framing.source_summary(single, codebook, resamples=20)
    assert (one["ci_low"] == one["ci_high"]).all()  # one paragraph: no spread to resample


def test_distinctive_words_leave_out_function_words(coded):
    words = framing.distinctive_words(coded, top=20)
    stopwords = framing.load_stopwords()
    assert {"the", "of", "and"} <= stopwords
    assert not set(words["word"]) & stopwords
    assert set(words["source"]) == set(coded["source_id"])


def test_parallel_coding_equals_coding_in_turn(paragraphs, lexicon, codebook, cues, labelled):
    supervised = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=True).fit(
        labelled["text"].tolist(), labelled)
    many = pd.concat([paragraphs] * 25, ignore_index=True)
    many["paragraph_id"] = [f"x-p{number:05d}" for number in range(len(many))]
    assert len(codebook_module.body_paragraphs(many)) >= autocoders.PARALLEL_MIN_PARAGRAPHS
    for coder in (autocoders.LexiconCoder(lexicon), supervised):
        pd.testing.assert_frame_equal(autocoders.auto_code(many, coder, workers=2),
                                      autocoders.auto_code(many, coder, workers=1))


@pytest.mark.parametrize("full", [False, True])
def test_fast_counts_equal_scikit_learns(codebook, cues, labelled, full):
    coder = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=full).fit(
        labelled["text"].tolist(), labelled)
    documents = [autocoders.read_paragraph(text, cues)[0] for text in labelled["text"]]
    documents.append(["words", "never", "seen", "not_before"])
    expected = coder.vocabulary.transform(documents)
    assert (coder.counts(documents) != expected).nnz == 0
