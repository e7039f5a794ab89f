"""The framing codebook, the hand coding, the automated coders and their evaluation."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from kzreform.core import codebook as codebook_module
from kzreform.core.data import load_table, read_yaml
from kzreform.core.errors import DataValidationError
from kzreform.core.paths import DATAPACKAGE
from kzreform.core.settings import build_settings
from kzreform.core.vocabulary import AUTOMATED
from kzreform.corpus.segment import WORD, body_paragraphs
from kzreform.framing import analysis, display, reliability, rules
from kzreform.framing import coders as autocoders
from kzreform.framing import features as reading
from kzreform.pipeline import build

# Builds in these tests end in a refusal; their statistics are not what is tested.
pytestmark = pytest.mark.usefixtures("fast_build")


@pytest.fixture(scope="module")
def lexicon(codebook):
    return autocoders.load_lexicon(codebook)


@pytest.fixture(scope="module")
def cues(codebook):
    return reading.load_voice_cues(codebook)


@pytest.fixture(scope="module")
def manual():
    return load_table("framing-manual")


@pytest.fixture(scope="module")
def labelled(paragraphs, manual):
    return reliability.hand_coded_texts(paragraphs, manual)


def resource_fields(name):
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    return {field["name"]: field for field in resource["schema"]["fields"]}


def build_error(data_dir):
    with pytest.raises(DataValidationError) as error:
        build.build(data_dir)
    return str(error.value)


def edit_table(data_dir, name, edit):
    path = data_dir / "coding" / name
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table).to_csv(path, index=False, lineterminator="\n")


def edit_manual(data_dir, edit):
    edit_table(data_dir, "framing_manual.csv", edit)


# ---- codebook and hand coding ----

def test_codebook_defines_every_frame_fully(codebook):
    document = read_yaml(codebook_module.CODEBOOK)
    for frame in document["frames"]:
        for field in ("definition", "code_when", "do_not_code_when", "example"):
            assert str(frame[field]).strip(), (frame["id"], field)
    assert sorted(codebook.stance_levels) == [-2, -1, 0, 1, 2]
    assert set(codebook.definitions) == set(codebook.frames) | set(codebook.voices)


def test_hand_coding_covers_every_body_paragraph_of_the_sources_it_codes(manual, paragraphs):
    assert rules.manual_coding_issues(paragraphs) == []
    body = body_paragraphs(paragraphs)
    body = body[body["source_id"].isin(codebook_module.hand_coded_sources(manual, paragraphs))]
    assert sorted(manual["paragraph_id"]) == sorted(body["paragraph_id"])


def test_a_source_without_hand_coding_is_automated_not_incomplete(data_copy, manual,
                                                                 paragraphs):
    source = codebook_module.hand_coded_sources(manual, paragraphs)[0]
    edit_manual(data_copy, lambda table: table[~table["paragraph_id"].isin(
        paragraphs.loc[paragraphs["source_id"] == source, "paragraph_id"])])
    assert rules.manual_coding_issues(paragraphs, data_copy) == []
    left = load_table("framing-manual", data_copy)
    assert source not in codebook_module.hand_coded_sources(left, paragraphs)


@pytest.mark.parametrize("field, value", [
    ("primary_frame", "vibes"), ("secondary_frames", "legality;nonsense"), ("stance", "3"),
    ("voices", "aliens"), ("stance_target", "the_weather"), ("stance_target", ""),
])
def test_bad_hand_coding_names_row_field_and_value(data_copy, field, value):
    def edit(table):
        table.loc[0, field] = value
        return table
    edit_manual(data_copy, edit)
    assert f"data/coding/framing_manual.csv, row 2, field {field!r}, value {value!r}: " \
        "[constraint-error]" in build_error(data_copy)


def test_codebook_defines_every_stance_target_and_its_rules(codebook):
    document = read_yaml(codebook_module.CODEBOOK)
    assert document["rules"]["stance_target"].strip()
    assert document["rules"]["stance_target_without_stance"].strip()
    for target in document["stance_targets"]:
        for field in codebook_module.REQUIRED_FIELDS["stance_targets"]:
            assert str(target[field]).strip(), (target["id"], field)
    assert set(codebook.stance_on_target) <= set(codebook.targets)
    assert set(codebook.target_groups) == set(codebook.targets)


def test_a_codebook_changed_without_regenerating_the_schema_is_named(data_copy):
    path = data_copy / "coding" / "codebook.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - id: reform_general\n", "  - id: reform_in_general\n"), encoding="utf-8")
    message = build_error(data_copy)
    assert ("data/datapackage.json, field 'resources', value 'framing-manual': differs from what "
            "schema/ and the codebook define; run 'python -m kzreform schema'") in message


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
    assert f"value {missing!r}: is a body paragraph of a hand-coded source (one the hand " \
        "coding codes) but is not coded" in message
    assert f"row {len(manual) + 1}, field 'paragraph_id', value {heading!r}: is a heading" \
        in message
    edit_manual(data_copy, lambda table: pd.concat([table, table.iloc[[0]]]))
    assert "[primary-key]" in build_error(data_copy)


def test_the_retired_hand_coded_sources_key_is_named(data_copy):
    path = data_copy / "coding" / "codebook.yml"
    path.write_text(path.read_text(encoding="utf-8") + "hand_coded_sources: [anon-2026]\n",
                    encoding="utf-8")
    assert "data/coding/codebook.yml, field 'hand_coded_sources': is no longer read: a " \
        "source is hand-coded when data/coding/framing_manual.csv codes it" \
        in build_error(data_copy)


def test_evaluation_needs_two_hand_coded_sources(data_copy, manual, paragraphs):
    source = codebook_module.hand_coded_sources(manual, paragraphs)[0]
    own = paragraphs.loc[paragraphs["source_id"] == source, "paragraph_id"]
    # a source left out of the first coding leaves both codings and their reconciliation
    for coding in ("framing_manual.csv", "framing_second.csv", "framing_reconciled.csv"):
        edit_table(data_copy, coding, lambda table: table[table["paragraph_id"].isin(own)])
    assert f"data/coding/framing_manual.csv: codes 1 source(s) ['{source}']; the " \
        "leave-one-source-out evaluation of the automated coders needs at least 2 " \
        "hand-coded sources" in build_error(data_copy)


# ---- the keyword lexicon ----

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


@pytest.mark.corpus  # the rules of today's data/coding/lexicon.csv
def test_codes_unseen_critical_paragraph(lexicon):
    text = ("Opposition activists told a rally that the new basic law is window dressing: "
            "an authoritarian scheme to entrench presidential control, and critics urged a boycott.")
    coded = autocoders.code_text(text, lexicon)
    assert coded["primary_frame"] == "window_dressing"
    assert coded["stance"] < 0
    assert "opposition_activists" in coded["voices"].split(";")


@pytest.mark.corpus  # the rules of today's data/coding/lexicon.csv
def test_codes_unseen_favourable_paragraph(lexicon):
    text = ("Officials hailed a landmark law on local councils as robust democratization that "
            "makes parliament more accountable and inclusive.")
    coded = autocoders.code_text(text, lexicon)
    assert coded["primary_frame"] == "democratisation"
    assert coded["stance"] > 0
    assert coded["voices"] == codebook_module.NO_VOICE


def test_text_without_cues_gets_the_fallback(lexicon, codebook):
    coded = autocoders.code_text("The weather was mild and the river froze late.", lexicon)
    assert coded == {"primary_frame": codebook.fallback_frame, "secondary_frames": "",
                     "stance": 0, "stance_uncertain": False,
                     "stance_target": autocoders.NOT_CODED,
                     "voices": codebook_module.NO_VOICE, "confidence": 0.0}


def test_prefix_and_phrase_terms(codebook):
    lexicon = autocoders.Lexicon([("frame", "legality", "rule of law", 1.0),
                                  ("frame", "economic", "econom*", 1.0),
                                  ("stance", "stance", "fear", -5.0)], tuple(codebook.frames),
                                 codebook.fallback_frame)
    scores = lexicon.scores("Economic rule of law; economy. The rule was of law.")
    assert scores["frame"] == {"economic": 2.0, "legality": 1.0}
    assert autocoders.code_text("fear", lexicon)["stance"] == autocoders.MIN_STANCE


def test_auto_code_skips_headings_and_footnotes(paragraphs, lexicon):
    coded = autocoders.auto_code(paragraphs, autocoders.LexiconCoder(lexicon))
    body = body_paragraphs(paragraphs)
    assert coded["paragraph_id"].tolist() == body["paragraph_id"].tolist()
    assert (coded["coding"] == AUTOMATED).all()
    assert coded["check_by_hand"].equals(coded["confidence"] < autocoders.CHECK_BY_HAND_BELOW)


# ---- reading a paragraph: negation, attribution, generic voices ----

def read(text, cues):
    """Words, stance cues and voices of one paragraph."""
    found = reading.Reader(cues).read([text])
    return found.documents()[0], found.cues[0].tolist(), list(found.voices[0])


def stance_cues(text, cues):
    _, valence, _ = read(text, cues)
    return dict(zip([f"{holder} {sign}" for holder in reading.CLAIM_HOLDERS
                     for sign in ("positive", "negative")], valence))


def test_negation_marks_words_and_flips_their_valence(cues):
    words, _, _ = read("The reform is not good for anyone.", cues)
    assert "not_good" in words and "good" not in words
    assert stance_cues("The reform is not good.", cues)["own negative"] > 0
    assert stance_cues("The reform is good.", cues)["own positive"] > 0


def test_negation_reaches_the_end_of_its_clause_and_restarts_at_each_negator(cues):
    words, cues_found, _ = read("It is not a good fair vote. Never not free; no good.", cues)
    assert words == ["it", "is", "not", "not_a", "not_good", "not_fair", "not_vote", "never", "not",
                     "not_free", "no", "not_good"]
    assert cues_found[-1] == 4.0  # negators counted


def test_negation_scope_is_the_clause_not_a_fixed_window(cues):
    # However many words stand between, the negator governs the rest of its clause ...
    words, _, _ = read("No election in this country since independence has ever been "
                       "assessed free and fair by observers.", cues)
    assert {"not_free", "not_fair"} <= set(words) and "free" not in words
    stance = stance_cues("No vote held under these rules has ever been judged free and fair.",
                         cues)
    assert stance["own negative"] > 0 and stance["own positive"] == 0
    # ... and no further: a comma, a dash or a contrasting conjunction ends it.
    for text in ("The vote was not quick, but it was free and fair.",
                 "The vote was not quick – it was free and fair.",
                 "The vote was not quick yet it was free and fair."):
        words, _, _ = read(text, cues)
        assert "not_quick" in words and {"free", "fair"} <= set(words), text


@pytest.mark.corpus  # the voice cues of today's data/coding/voice_cues.csv
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
    _, _, voices = read(text, cues)
    assert voices == ([voice] if voice else [])


@pytest.mark.corpus  # the voice cues of today's data/coding/voice_cues.csv
def test_an_actor_named_without_reporting_is_not_a_voice(cues):
    assert read("The government built a road.", cues)[2] == []
    assert read("The government built a road. Critics said so.", cues)[2] == [
        "opposition_activists"]


def test_critical_meaning_essential_is_not_read_as_criticism():
    cues = reading.VoiceCues({}, {"said"})
    assert stance_cues("Courts are critical to the reform.", cues)["own negative"] == 0
    assert stance_cues("Courts are critical for the reform.", cues)["own negative"] == 0
    assert stance_cues("Observers were critical of the reform.", cues)["own negative"] > 0


def test_regular_forms_missing_from_vader_get_their_base_words_valence():
    cues = reading.VoiceCues({}, {"said"})
    assert "unjustified" not in reading.VADER and "restrictions" not in reading.VADER
    assert stance_cues("The new powers are unjustified.", cues)["own negative"] > 0
    assert stance_cues("They announced restrictions.", cues)["own negative"] > 0
    # VADER's own entries win over derived forms, and short bases are left alone.
    assert all(reading.VALENCE[word] == value for word, value in reading.VADER.items())
    assert "union" not in reading.VALENCE and "until" not in reading.VALENCE


def test_a_framing_verb_attributes_the_claim_even_without_a_named_actor():
    cues = reading.VoiceCues({"critics": "opposition_activists"}, {"said"},
                             frozenset({"framed as", "portrayed as"}))
    for text in ("The vote has been framed as a great success.",
                 "The vote was portrayed as a great success by the state press."):
        found = stance_cues(text, cues)
        assert found["other positive"] > 0 and found["own positive"] == 0, text
    assert stance_cues("The vote was a great success.", cues)["own positive"] > 0
    # A framing verb beside a named actor reports that actor, as any reporting verb does.
    assert read("Critics framed as a sham the great success.", cues)[2] == [
        "opposition_activists"]


def test_a_framing_verb_reaches_its_as_across_other_words_of_its_clause():
    cues = reading.VoiceCues({"critics": "opposition_activists"}, {"said"},
                             frozenset({"framed as", "portrays it as"}))
    for text in ("The state press framed the vote of last June as a great success.",
                 "The vote, framed by many newspapers as a great success, passed.",
                 "The channel portrays it every evening as a great success."):
        found = stance_cues(text, cues)
        assert found["other positive"] > 0 and found["own positive"] == 0, text
    assert read("Critics framed the vote as a sham, a great success for nobody.", cues)[2] == [
        "opposition_activists"]
    # The "as" must stand in the verb's clause, after the verb.
    for text in ("The vote was framed in haste, as a great success was needed.",
                 "As a great success, the vote was framed.",
                 "The vote was framed, but it was hailed as a great success."):
        assert stance_cues(text, cues)["own positive"] > 0, text


def test_who_speaks_carries_no_stance_by_itself(codebook, cues, labelled):
    coder = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=True).fit(
        labelled["text"].tolist(), labelled, tune=False)
    pairs = [("The expert panel met on Monday.", "The panel met on Monday."),
             ("The noted government building opened.", "The building opened.")]
    for with_speaker, without in pairs:
        read_both = coder._reader.read([with_speaker, without])
        features = coder._stance_features(coder._weighted(read_both), read_both)
        probabilities = coder.stance_model.predict_proba(features)
        np.testing.assert_allclose(probabilities[0], probabilities[1])


def sentence_by_sentence(text, table, official):
    """The reading rules applied one sentence and one word at a time: the reference."""
    longest = max(term.count(" ") + 1 for term in table["term"])
    actors = dict(zip(table.loc[table["role"] == "actor", "term"],
                      table.loc[table["role"] == "actor", "voice"]))
    framing = set(table.loc[table["role"] == "framing", "term"])
    verbs = {term.removesuffix(" as") for term in framing if term.endswith(" as")}
    reporting = set(table.loc[table["role"] == "reporting", "term"]) | framing - {
        f"{verb} as" for verb in verbs}
    words, valence, negations, voices = [], [0.0] * 6, 0, set()
    for sentence in re.split(r"(?<=[.!?;])\s+", text.lower().replace("’", "'")):
        clauses = [[]]
        for token in re.findall(rf"{WORD.pattern}|[{''.join(reading.CLAUSE_MARKS)}]", sentence):
            if token in reading.CLAUSE_MARKS or token in reading.CLAUSE_WORDS:
                clauses.append([])  # a new clause
            if token not in reading.CLAUSE_MARKS:
                clauses[-1].append(token)
        tokens = WORD.findall(sentence)
        runs = {" ".join(tokens[start:start + length]) for length in range(1, longest + 1)
                for start in range(len(tokens))}
        # A framing verb followed, anywhere later in its clause, by "as".
        runs |= {f"{verb} as" for clause in clauses for verb in verbs for start in
                 range(len(clause)) if " ".join(clause[start:]).startswith(verb + " ")
                 and "as" in clause[start + verb.count(" ") + 1:]}
        reported = {actors[term] for term in runs & set(actors)} if runs & (
            reporting | framing) else set()
        voices |= reported
        holder = ((2 if runs & framing else 0) if not reported
                  else 1 if reported <= official else 2)
        for clause in clauses:
            raw = [0.0 if token in reading.NEGATORS else reading.VALENCE.get(token, 0.0)
                   for token in clause]
            scope = False
            for index, token in enumerate(clause):
                if token in reading.NEGATORS:
                    scope, negations = True, negations + 1
                    words.append(token)
                    continue
                essential = (token in reading.ESSENTIAL_SENSE and index + 1 < len(clause)
                             and clause[index + 1] in reading.PURPOSE_WORDS)
                score = 0.0 if essential else raw[index]
                if scope:
                    words.append(reading.NEGATED + token)
                    score *= reading.N_SCALAR
                else:
                    words.append(token)
                if score:
                    valence[2 * holder + (score < 0)] += abs(score)
    return words, [*valence, float(negations)], sorted(voices)


def test_reading_all_paragraphs_at_once_follows_the_rules_sentence_by_sentence(paragraphs,
                                                                               cues, codebook):
    table = load_table("framing-voice-cues")
    texts = ["", ". Not good", "Good?! Not. ", "A;b c;  d. e", "x.\n\ny not", "Said the voter.",
             "Officials described the reform of June as a great success.",
             "It was seen, by critics, as good. It was seen by critics as good.",
             *paragraphs["text"]]
    found = reading.Reader(cues).read(texts)
    assert len(found.documents()) == len(texts)
    for text, words, valence, voices in zip(texts, found.documents(), found.cues.tolist(),
                                            found.voices):
        assert (words, valence, list(voices)) == sentence_by_sentence(
            text, table, codebook.official_voices), text


@pytest.mark.parametrize("field, value", [("role", "speaker"), ("voice", "aliens"),
                                          ("term", "Two  Spaces")])
def test_voice_cue_rows_are_validated_by_the_schema(data_copy, field, value):
    table = pd.read_csv(data_copy / "coding" / "voice_cues.csv", dtype=str,
                        keep_default_na=False)
    actor = table.index[table["role"] == "actor"][0]

    def edit(table):
        table.loc[actor, field] = value
        return table
    edit_table(data_copy, "voice_cues.csv", edit)
    assert f"voice_cues.csv, row {actor + 2}, field {field!r}, value {value!r}" \
        in build_error(data_copy)


@pytest.mark.parametrize("role, expected", [
    ("actor", "is empty; an actor cue needs its voice"),
    ("reporting", "is given for a reporting cue, which belongs to no voice"),
])
def test_a_voice_cue_has_a_voice_exactly_when_it_names_an_actor(data_copy, codebook, role,
                                                                expected):
    table = pd.read_csv(data_copy / "coding" / "voice_cues.csv", dtype=str,
                        keep_default_na=False)
    row = table.index[table["role"] == role][0]

    def edit(table):
        table.loc[row, "voice"] = "" if role == "actor" else next(iter(codebook.voices))
        return table
    edit_table(data_copy, "voice_cues.csv", edit)
    assert f"voice_cues.csv, row {row + 2}, field 'voice'" in build_error(data_copy)
    assert expected in build_error(data_copy)


# ---- the supervised coders ----

@pytest.mark.parametrize("full", [False, True])
def test_supervised_coder_is_deterministic_and_codes_every_text(codebook, cues, labelled, full):
    coder = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=full)
    texts = labelled["text"].tolist()
    first = coder.fit(texts, labelled).code(texts[:20])
    again = coder.fit(texts, labelled).code(texts[:20])
    pd.testing.assert_frame_equal(first, again)
    assert list(first.columns) == autocoders.CODE_COLUMNS and len(first) == 20
    for row in first.to_dict("records"):
        assert row["primary_frame"] in codebook.frames
        assert row["primary_frame"] not in row["secondary_frames"].split(";")
        assert row["stance"] in codebook.stance_levels
        assert 0 <= row["confidence"] <= 1
    assert coder.fit(texts, labelled).code([]).empty


def test_nearly_flat_stance_probabilities_give_uncertain_not_a_confident_code():
    levels = np.array([-2, -1, 0, 1, 2])
    flat = np.array([[0.21, 0.19, 0.20, 0.20, 0.20],   # argmax -2, barely above the rest
                     [0.05, 0.05, 0.10, 0.10, 0.70]])  # clearly +2
    assert autocoders.abstained(flat, levels, 0.0).tolist() == [-2, 2]
    assert autocoders.abstained(flat, levels, 0.05).tolist() == [0, 2]


def test_the_margin_and_the_flag_threshold_are_chosen_from_the_data():
    levels = np.array([-2, -1, 0, 1, 2])
    # Hand codes are all 0; confident wrong codes would lower alpha, so a margin abstains.
    probabilities = np.array([[0.3, 0.25, 0.15, 0.15, 0.15]] * 6
                             + [[0.05, 0.05, 0.8, 0.05, 0.05]] * 3
                             + [[0.05, 0.05, 0.05, 0.05, 0.8]] * 3)
    hand = np.array([0] * 6 + [0] * 3 + [2] * 3)
    assert autocoders.choose_margin(probabilities, levels, hand) > 0
    # The wrong codes are the less confident ones: the threshold flags exactly them.
    confidence = np.array([0.2, 0.25, 0.3, 0.6, 0.7, 0.8])
    wrong = np.array([True, True, True, False, False, False])
    threshold = autocoders.choose_threshold(confidence, wrong)
    assert ((confidence < threshold) == wrong).all()
    # Where confidence says nothing about errors, the flag does not flag everything.
    assert (confidence < autocoders.choose_threshold(confidence, np.ones(6, bool))).mean() < 1


def test_a_fitted_coder_flags_fewer_than_all_paragraphs(codebook, cues, labelled):
    coder = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=True).fit(
        labelled["text"].tolist(), labelled)
    assert coder.margin in autocoders.MARGINS
    assert coder.check_by_hand_below in autocoders.THRESHOLDS
    # Fitted on sources without a source column, the defaults stay.
    plain = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=True).fit(
        labelled["text"].tolist(), labelled.drop(columns="source_id"))
    assert (plain.margin, plain.check_by_hand_below) == (0.0, autocoders.CHECK_BY_HAND_BELOW)


@pytest.fixture(scope="module")
def calibrated(codebook, cues, labelled):
    return autocoders.CalibratedCoder(codebook, cues, flag_errors=0.8,
                                      stopwords=codebook_module.load_stopwords()).fit(
        labelled["text"].tolist(), labelled)


def test_calibrated_coder_is_deterministic_and_says_where_it_is_unsure(calibrated, codebook,
                                                                        labelled):
    texts = labelled["text"].tolist()[:20]
    first = calibrated.code(texts)
    pd.testing.assert_frame_equal(first, calibrated.code(texts))
    assert list(first.columns) == autocoders.CODE_COLUMNS and len(first) == 20
    assert set(first["stance"]) <= set(codebook.stance_levels)
    assert first["confidence"].between(0, 1).all()
    assert first["stance_uncertain"].dtype == bool
    # An uncertain stance is always flagged, whatever the confidence.
    flagged = autocoders.check_by_hand(first, calibrated)
    assert flagged[first["stance_uncertain"]].all()
    assert calibrated.recalibration is not None  # fitted on sources: recalibrated out of fold
    assert calibrated.margin in autocoders.MARGINS


def test_calibrated_coder_counts_no_function_word(calibrated):
    stopwords = codebook_module.load_stopwords()
    counted = [word for word in calibrated._word_columns if word in stopwords]
    assert counted  # the vocabulary holds some, so the test can fail
    read = calibrated._reader.read([" ".join(counted)])
    assert calibrated.counts(read).nnz == 0
    content = [word for word in calibrated._word_columns if word not in stopwords][:5]
    counts = calibrated.counts(calibrated._reader.read([" ".join(content)]))
    assert all(counts[0, calibrated._word_columns[word]] == 1 for word in content)


def test_definition_frames_read_the_definitions_not_the_examples():
    from scipy import sparse
    definitions = sparse.csr_matrix([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])  # frames a, b
    # The examples of b hold a word (the third) that no definition holds.
    counts = sparse.csr_matrix([[1.0, 0.2, 0.0], [0.1, 1.0, 0.0], [0.0, 0.3, 1.0]])
    model = autocoders.DefinitionLikeness(np.array(["a", "b"])).fit(
        definitions, counts, pd.Series(["a", "b", "b"]))
    chance = model.predict_proba(sparse.csr_matrix([[1.0, 0.1, 0.0], [0.0, 0.0, 1.0],
                                                    [0.1, 1.0, 0.0]]))
    np.testing.assert_allclose(chance.sum(axis=1), 1.0)
    assert chance[0, 0] > 0.5 > chance[2, 0]
    np.testing.assert_allclose(chance[1], [0.5, 0.5])  # an example's own word decides nothing
    # The temperature follows the examples: sharper where the likeliest frame was coded.
    against = autocoders.DefinitionLikeness(np.array(["a", "b"])).fit(
        definitions, counts, pd.Series(["b", "a", "a"]))
    assert model.temperature < against.temperature


def test_the_calibrated_coder_codes_each_definition_as_what_it_defines(calibrated, codebook):
    definitions = [codebook.definitions[frame] for frame in codebook.frames]
    assert calibrated.code(definitions)["primary_frame"].tolist() == list(codebook.frames)
    targets = calibrated.code(list(codebook.target_definitions.values()))["stance_target"]
    assert targets.tolist() == list(codebook.target_definitions)


def test_median_not_the_peak_of_the_stance_distribution():
    levels = np.array([-2, -1, 0, 1, 2])
    probabilities = np.array([[0.3, 0.0, 0.25, 0.25, 0.2],   # peak at -2, median 0
                              [0.2, 0.2, 0.2, 0.2, 0.2],     # flat: the middle
                              [0.0, 0.0, 0.1, 0.3, 0.6]])
    assert autocoders.median_stance(probabilities, levels).tolist() == [0, 0, 2]
    assert levels[probabilities.argmax(axis=1)].tolist()[0] == -2


def test_flatness_is_one_rule(calibrated):
    levels = np.array([-2, -1, 0, 1, 2])
    rng = np.random.default_rng(7)
    probabilities = rng.dirichlet(np.ones(5), size=200)
    for margin in (0.05, 0.2):
        flat = autocoders.flat(probabilities, margin)
        assert flat.any() and not flat.all()
        assert (autocoders.abstained(probabilities, levels, margin)[flat] == 0).all()
        assert (calibrated._uncertain(probabilities, margin) == flat).all()


def test_the_flag_holds_the_share_of_errors_asked_with_the_fewest_flags():
    rng = np.random.default_rng(11)
    confidence = np.round(rng.random(300), autocoders.CONFIDENCE_DIGITS)
    wrong = rng.random(300) < 1 - confidence  # the less confident, the likelier wrong
    anyway = rng.random(300) < 0.1
    step = 10 ** -autocoders.CONFIDENCE_DIGITS
    for share in (0.5, 0.8, 1.0):
        threshold = autocoders.threshold_holding(confidence, wrong, share, anyway)
        caught = ((confidence < threshold) | anyway)[wrong].mean()
        assert caught >= share
        assert ((confidence < threshold - step) | anyway)[wrong].mean() < share
    assert autocoders.threshold_holding(confidence, np.zeros(300, bool), 0.8, anyway) == 0


def test_scale_distribution_is_a_distribution_centred_on_its_location():
    levels = np.array([-2, -1, 0, 1, 2])
    shown = autocoders.scale_distribution(np.array([0.0, 2.0, -0.9]), 0.7, levels)
    assert np.allclose(shown.sum(axis=1), 1)
    assert levels[shown.argmax(axis=1)].tolist() == [0, 2, -1]
    assert np.allclose(shown[0], shown[0][::-1])  # symmetric about 0
    wider = autocoders.scale_distribution(np.array([0.0]), 2.0, levels)
    assert wider.max() < shown[0].max()


def test_evaluation_is_net_valence_per_square_root_of_words(cues):
    read = reading.Reader(cues).read
    praise, blame, plain = read(["The reform is excellent and fair.",
                                 "The reform is a disastrous, terrible failure.",
                                 "The law was adopted in June."]).evaluation()
    assert praise > 0 > blame and plain == 0
    padded = read(["The reform is excellent and fair" + " in June" * 20 + "."]).evaluation()[0]
    assert 0 < padded < praise


def test_a_neutral_names_reader_reads_no_evaluation_in_names(cues):
    texts = ["Critics said the vote took place.",
             "The law names freedoms of peaceful assembly.",
             "The election was free and fair."]
    plain = reading.Reader(cues).read(texts).evaluation()
    neutral = reading.Reader(cues, neutral_names=True).read(texts).evaluation()
    assert plain[0] < 0 and plain[1] > 0  # the names carry valence for today's reader
    assert neutral[0] == 0 and neutral[1] == 0
    assert neutral[2] == plain[2] > 0  # "free and fair" is a judgement, not a right's name


def test_majority_baseline_codes_the_commonest_frame(labelled):
    coded = autocoders.MajorityCoder().fit([], labelled).code(["anything", "else"])
    assert set(coded["primary_frame"]) == {labelled["primary_frame"].mode()[0]}


@pytest.mark.parametrize("full", [False, True])
def test_fast_counts_equal_scikit_learns(codebook, cues, labelled, full):
    coder = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=full).fit(
        labelled["text"].tolist(), labelled)
    texts = labelled["text"].tolist()
    # Empty documents first, between and last: no phrase spans two documents.
    read = coder._reader.read(["", *texts[:5], "", "Words never seen, not before.", *texts[5:],
                               "", ""])
    expected = coder.vocabulary.transform(read.documents())
    assert (coder.counts(read) != expected).nnz == 0


def test_parallel_coding_equals_coding_in_turn(paragraphs, lexicon, codebook, cues, labelled):
    supervised = autocoders.SupervisedCoder(codebook, cues, phrases_and_sentiment=True).fit(
        labelled["text"].tolist(), labelled)
    many = pd.concat([paragraphs] * 25, ignore_index=True)
    many["paragraph_id"] = [f"x-p{number:05d}" for number in range(len(many))]
    assert len(body_paragraphs(many)) >= autocoders.PARALLEL_MIN_PARAGRAPHS
    for coder in (autocoders.LexiconCoder(lexicon), supervised):
        pd.testing.assert_frame_equal(autocoders.auto_code(many, coder, workers=2),
                                      autocoders.auto_code(many, coder, workers=1))


@pytest.mark.corpus  # the coder today's evaluation chose, fitted on today's hand coding
def test_the_chosen_coder_codes_unseen_critical_and_favourable_paragraphs(codebook, lexicon,
                                                                          cues, labelled):
    reliability_table = load_table("framing-reliability")
    chosen = reliability_table.loc[reliability_table["chosen"], "coder"].iloc[0]
    coder = next(c for c in autocoders.load_candidate_coders(codebook, build_settings())
                 if c.name == chosen).fit(labelled["text"].tolist(), labelled)
    coded = coder.code([
        "Opposition activists say the new referendum is window dressing for authoritarian "
        "rule, and critics warn it will entrench presidential power.",
        "Officials call the reform a landmark step toward democratization that makes "
        "government more accountable and inclusive."])
    assert coded["primary_frame"].tolist() == ["window_dressing", "democratisation"]


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


def test_agreement_of_a_coding_with_itself_is_perfect(manual, codebook):
    paired = reliability.pair_codes(manual, manual.drop(columns="note"), codebook)
    values = reliability.measures(paired, codebook)
    assert values["alpha", "stance"] == values["alpha", "primary_frame"] == 1.0
    assert values["alpha", "stance_target"] == 1.0
    defined = [value for key, value in values.items() if key[0] != "alpha"
               and not np.isnan(value)]
    assert defined and all(value == 1.0 for value in defined)


def test_precision_and_recall_count_primary_and_secondary_frames(codebook):
    manual = pd.DataFrame({"paragraph_id": ["a", "b", "c"],
                           "primary_frame": ["legality", "legality", "economic"],
                           "secondary_frames": ["", "political", ""],
                           "stance": [0, 1, -1], "voices": ["none"] * 3,
                           "stance_target": ["amendments_2022", "none", "none"]})
    auto = manual.assign(primary_frame=["legality", "political", "legality"],
                         secondary_frames=["", "", ""])
    values = reliability.measures(reliability.pair_codes(manual, auto, codebook), codebook)
    assert (values["precision", "legality"], values["recall", "legality"]) == (1 / 2, 1 / 2)
    assert (values["precision", "political"], values["recall", "political"]) == (1.0, 1.0)
    assert values["alpha", "stance"] == 1.0


def test_bootstrap_intervals_are_deterministic_and_bracket_the_spread(manual, codebook):
    auto = manual.assign(stance=manual["stance"].map(lambda s: min(s + 1, 2)))
    paired = reliability.pair_codes(manual, auto, codebook)
    first = reliability.with_intervals(paired, codebook, resamples=50)
    pd.testing.assert_frame_equal(first, reliability.with_intervals(paired, codebook,
                                                                    resamples=50))
    stance = first.set_index(["measure", "item"]).loc[("alpha", "stance")]
    assert stance["ci_low"] < stance["ci_high"] < 1.0


def test_calibration_bins_hold_every_paragraph_once():
    rng = np.random.default_rng(5)
    n = 60
    hand = rng.integers(-2, 3, n)
    auto = np.where(rng.random(n) < 0.5, hand, -hand)
    frames = rng.integers(0, 3, (2, n))
    paired = reliability.PairedCodes(
        stance=np.array([hand, auto]), frame=frames, target=np.zeros((2, n)),
        present_hand=np.zeros((n, 3), bool), present_auto=np.zeros((n, 3), bool),
        confidence=np.r_[rng.random(n - 1), 1.0])
    curve = reliability.calibration(paired)
    assert curve["paragraphs"].sum() == n
    assert ((curve["mean_confidence"] >= curve["bin_low"])
            & (curve["mean_confidence"] <= curve["bin_high"])).all()
    right = ~reliability.coded_wrongly(paired)
    assert np.isclose((curve["share_right"] * curve["paragraphs"]).sum(), right.sum())
    overall = reliability.overall_calibration(curve.assign(coder="c"), "c")
    assert np.allclose(overall, (paired.confidence.mean(), right.mean()))


def test_calibration_table_covers_every_hand_coded_paragraph_per_coder(manual):
    curve = load_table("framing-calibration")
    evaluation = load_table("framing-reliability")
    assert set(curve["coder"]) == set(evaluation["coder"])
    assert (curve.groupby("coder")["paragraphs"].sum() == len(manual)).all()


def test_flag_table_gives_both_shares_per_coder():
    evaluation = load_table("framing-reliability")
    shown = display.flag_table(evaluation)
    assert len(shown) == evaluation["coder"].nunique()
    assert shown[["paragraphs flagged", "wrong codes flagged"]].map(
        lambda cell: cell.endswith("]")).all().all()


def test_choice_ignores_in_sample_figures(codebook, lexicon, cues):
    coders = autocoders.load_candidate_coders(codebook, build_settings())
    point = {coder.name: {("alpha", "stance"): 0.1, ("alpha", "primary_frame"): 0.1}
             for coder in coders}
    point["lexicon"] = {("alpha", "stance"): 0.9, ("alpha", "primary_frame"): 0.9}
    point["supervised-full"] = {("alpha", "stance"): 0.3, ("alpha", "primary_frame"): np.nan}
    assert reliability.choose(point, coders) == "supervised-full"


def test_reliability_table_evaluates_every_coder_out_of_sample_or_says_not(codebook, lexicon,
                                                                          cues, manual):
    table = load_table("framing-reliability")
    coders = autocoders.load_candidate_coders(codebook, build_settings())
    evaluation = table.groupby("coder")["evaluation"].agg(set)
    for coder in coders:
        expected = reliability.LOSO if coder.fitted else reliability.IN_SAMPLE
        assert evaluation[coder.name] == {expected}
    chosen = table.loc[table["chosen"], "coder"].unique()
    assert len(chosen) == 1 and evaluation[chosen[0]] == {reliability.LOSO}
    alphas = table[table["measure"] == "alpha"]
    defined = alphas[alphas["estimate"].notna()]
    assert (defined["ci_low"] <= defined["ci_high"]).all()
    assert set(alphas["paragraphs"]) == {len(manual)}
    # The lexicon has no rules for the stance target: its alpha is undefined, not zero.
    lexicon_target = alphas[(alphas["coder"] == "lexicon") & (alphas["item"] == "stance_target")]
    assert lexicon_target["estimate"].isna().all()
    assert alphas.loc[alphas["coder"] != "lexicon", "estimate"].notna().all()


def test_the_display_tables_show_every_coder_and_frame(codebook):
    table = load_table("framing-reliability")
    alphas = display.alpha_table(table)
    assert len(alphas) == table["coder"].nunique()
    assert alphas.index.equals(pd.RangeIndex(len(alphas)))
    frames = display.frame_table(table, codebook, list(table["coder"].unique()))
    assert len(frames) == len(codebook.frames)
    assert frames.index.equals(pd.RangeIndex(len(frames)))
    assert all(isinstance(column, str) for column in frames.columns)


# ---- analysis ----

def test_weighted_log_odds_is_antisymmetric_for_two_groups():
    texts = pd.Series(["reform reform court", "vote reform", "vote vote court", "vote court"])
    groups = pd.Series(["a", "a", "b", "b"])
    scores = analysis.weighted_log_odds(texts, groups, min_count=0).set_index(["group", "word"])
    assert scores.loc[("a", "reform"), "z"] > 0 > scores.loc[("b", "reform"), "z"]
    np.testing.assert_allclose(scores.xs("a")["z"], -scores.xs("b")["z"])


@pytest.fixture(scope="module")
def stored_auto():
    return load_table("framing-auto")


def test_coded_paragraphs_prefer_hand_coding(paragraphs, manual, stored_auto):
    first, *others = codebook_module.hand_coded_sources(manual, paragraphs)
    only_first = manual[manual["paragraph_id"].isin(
        paragraphs.loc[paragraphs["source_id"] == first, "paragraph_id"])]
    coded = analysis.coded_paragraphs(paragraphs, only_first, stored_auto)
    hand = coded["coding"] == codebook_module.HAND_CODED
    assert set(coded.loc[hand, "source_id"]) == {first}
    assert len(coded) == len(body_paragraphs(paragraphs))
    assert not coded.loc[hand, "check_by_hand"].any()
    labels = set(analysis.with_source_labels(coded)["source"])
    assert {f"{source} ({AUTOMATED})" for source in others} <= labels


@pytest.fixture(scope="module")
def coded(paragraphs, manual, stored_auto):
    return analysis.coded_paragraphs(paragraphs, manual, stored_auto)


def test_exemplar_quotes_are_verbatim(coded, codebook):
    table = analysis.exemplars(coded, codebook)
    texts = dict(zip(coded["paragraph_id"], coded["text"]))
    for row in table.reset_index().itertuples():
        quote = row.quote.strip("“”").removesuffix(" …")
        assert quote in texts[row.paragraph]
        assert len(quote.split()) <= 30


def test_source_summary_gives_intervals_that_hold_the_estimate(coded, codebook):
    summary = analysis.source_summary(coded, codebook, resamples=200)
    assert set(summary["source"]) == set(analysis.with_source_labels(coded)["source"])
    assert ((summary["ci_low"] <= summary["estimate"] + 1e-9)
            & (summary["estimate"] <= summary["ci_high"] + 1e-9)).all()
    shares = summary[summary["item"] != analysis.MIXED_STANCE].groupby("source")["estimate"].sum()
    np.testing.assert_allclose(shares, 1.0)
    single = coded.groupby("source_id").head(1)
    one = analysis.source_summary(single, codebook, resamples=20)
    assert (one["ci_low"] == one["ci_high"]).all()  # one paragraph: no spread to resample


def test_stance_by_target_compares_only_targets_the_stance_evaluates(coded, codebook):
    sources = load_table("sources")
    summary = analysis.stance_by_target(coded, sources, codebook, resamples=200)
    assert set(summary["stance_target"]) <= set(codebook.stance_on_target)
    evaluated = coded[coded["stance_target"].isin(codebook.stance_on_target)]
    assert summary["paragraphs"].sum() == len(evaluated)
    means = evaluated.groupby(["source_id", "stance_target"])["stance"].mean()
    for row in summary.itertuples():
        assert row.mean_stance == pytest.approx(means[row.source_id, row.stance_target])
        assert row.ci_low - 1e-9 <= row.mean_stance <= row.ci_high + 1e-9
    assert summary["date_mid"].notna().all()
    table = display.stance_by_target_table(summary, codebook)
    assert len(table) == summary["stance_target"].nunique()


def test_target_counts_cover_every_coded_paragraph(coded, codebook):
    counts = analysis.target_counts(coded, codebook)
    assert counts.loc["all", "all"] == len(coded)
    assert list(counts.index[:-1]) == list(codebook.targets)


def test_distinctive_words_leave_out_function_words(coded):
    words = analysis.distinctive_words(coded, top=20)
    stopwords = codebook_module.load_stopwords()
    assert {"the", "of", "and"} <= stopwords
    assert not set(words["word"]) & stopwords
    assert set(words["source"]) == set(analysis.with_source_labels(coded)["source"])


@pytest.mark.corpus
def test_the_report_s_reading_of_the_stance_target_agreement_holds():
    """The report: coders that learn targets from other texts' examples agree no better than
    chance out of sample, and the calibrated coder, which reads the definitions, does better."""
    evaluation = load_table("framing-reliability")
    target = evaluation[(evaluation["measure"] == "alpha")
                        & (evaluation["item"] == "stance_target")
                        & (evaluation["evaluation"] == "leave-one-source-out")].set_index("coder")
    from_examples = target.drop(index=["majority", "supervised-calibrated"])
    assert len(from_examples) >= 1
    assert ((from_examples["ci_low"] <= 0) & (from_examples["ci_high"] >= 0)).all()
    assert target.loc["supervised-calibrated", "estimate"] > from_examples["estimate"].max()


@pytest.mark.corpus
def test_the_report_s_reading_of_the_leading_frames_holds(codebook):
    """The results name the leading frame of the critical, favourable and civil-society texts.

    Read from the stored results tables the report quotes.
    """
    leading = load_table("leading-categories").set_index(["kind", "source"])["label"]
    named = {"anon-2026": "civil_society_agency", "nca-2025": "democratisation",
             "fpc-2021": "policy_prescription"}
    assert {source: leading["frame", source] for source in named} == \
        {source: codebook.frames[frame] for source, frame in named.items()}
    shares = load_table("frame-shares")
    think_tank = shares[shares["source"] == "ecfr-2022"].set_index("primary_frame")["share"]
    assert think_tank["political"] == think_tank["window_dressing"] == think_tank.max()
    officials, activists = (codebook.voices[v] for v in ("president_government",
                                                          "opposition_activists"))
    assert [leading["voice", source] for source in ("nca-2025", "tni-2022")] == [officials] * 2
    assert leading["voice", "anon-2026"] == activists
    summary = load_table("source-summary")
    mean_stance = summary[summary["item"] == analysis.MIXED_STANCE].set_index(
        "source_id")["estimate"].sort_values()
    assert set(mean_stance.index[:2]) == {"anon-2026", "ecfr-2022"}
    assert mean_stance.index[-1] == "nca-2025"


def test_leading_categories_are_each_source_s_largest_share_ties_in_codebook_order():
    shares = pd.DataFrame({"source": ["a", "a", "a", "b", "b"],
                           "frame": ["first", "second", "third", "first", "second"],
                           "share": [0.25, 0.5, 0.25, 0.5, 0.5]})
    leading = analysis.leading_categories(shares, "frame")
    assert leading.to_dict("list") == {"source": ["a", "b"], "label": ["second", "first"],
                                       "share": [0.5, 0.5]}
    stored = leading.assign(kind="frame")
    assert display.leading_text(stored, "frame") == "a, second (50%); b, first (50%)"
    assert display.leading_text(stored, "voice") == ""


def test_sources_are_ordered_by_publication_date():
    coded = pd.DataFrame({"source_id": ["b", "a", "c"], "coding": ["hand-coded"] * 3})
    sources = pd.DataFrame({"source_id": ["a", "b", "c"],
                            "date_earliest": ["2024-01-01", "2021-05-01", "2021-05-01"]})
    assert analysis.sources_by_date(coded, sources) == ["b", "c", "a"]
    counts = analysis.target_counts(coded.assign(stance_target="none"),
                                   codebook_module.load_codebook(), sources)
    assert list(counts.columns) == ["b", "c", "a", "all"]


def test_the_source_summary_shows_sources_in_the_order_given():
    summary = pd.DataFrame({"source": ["a", "b"], "item": [analysis.MIXED_STANCE] * 2,
                            "paragraphs": [3, 4], "estimate": [0.5, -0.5],
                            "ci_low": [0.0, -1.0], "ci_high": [1.0, 0.0]})
    table = display.source_summary_table(summary, ["b", "a"])
    assert list(table.columns) == ["", "b", "a"]


def test_page_clutter_is_not_coded(paragraphs, lexicon):
    body = body_paragraphs(paragraphs)
    clutter = ["Tokayev votes in Astana on 5 June, the day of the referendum. Photo: Reuters",
               "© AP Photo.", "Share on Facebook. Tweet this."]
    prose = ["The photographer said the vote was peaceful.",
             "The image of the country suffered, critics said."]
    extra = pd.DataFrame({"paragraph_id": [f"x-p{number:02d}" for number in range(5)],
                          "source_id": "x", "kind": "paragraph", "text": clutter + prose})
    with_clutter = pd.concat([body, extra], ignore_index=True)
    coded = autocoders.auto_code(with_clutter, autocoders.LexiconCoder(lexicon))
    kept = body.loc[~body["text"].map(autocoders.is_clutter), "paragraph_id"]
    assert coded["paragraph_id"].tolist() == [*kept, "x-p03", "x-p04"]


def test_a_claim_without_a_named_speaker_follows_the_last_one_named(cues):
    own, official, other = (2 * reading.CLAIM_HOLDERS.index(holder)
                            for holder in ("own", "official", "other"))
    texts = ["The minister said the vote was held. He said the reform is excellent.",
             "He said the reform is excellent.",
             "The reform is excellent."]
    plain = reading.Reader(cues).read(texts).cues
    following = reading.Reader(cues, follow_speakers=True).read(texts).cues
    assert (plain[:, own] > 0).all()  # today's reader: the text's own praise
    assert following[0, official] > 0 and following[0, own] == 0
    assert following[1, other] > 0 and following[1, own] == 0  # named in an earlier paragraph
    assert following[2, own] > 0  # no claim reported: the text's own voice
    # A paragraph's reading does not depend on the paragraphs read before it.
    alone = reading.Reader(cues, follow_speakers=True).read(texts[1:]).cues
    assert (alone == following[1:]).all()


def test_a_flag_beats_chance_only_when_it_holds_more_wrong_codes_than_paragraphs():
    from kzreform.framing.reliability import flag_beats_chance

    def flags(errors_low, paragraphs):
        return pd.DataFrame({"coder": "c", "measure": "flagged", "item": ["paragraphs", "errors"],
                             "estimate": [paragraphs, errors_low + 0.1],
                             "ci_low": [paragraphs - 0.1, errors_low]})
    assert flag_beats_chance(flags(0.7, 0.5), "c")
    assert not flag_beats_chance(flags(0.5, 0.6), "c")


def test_alpha_from_counted_codings_is_the_library_s_alpha_of_the_drawn_codes():
    import krippendorff

    from kzreform.framing.reliability import masi_level

    rng = np.random.default_rng(11)
    stance = rng.integers(-2, 3, size=(2, 40)).astype(float)
    frames = rng.integers(0, 6, size=(2, 40)).astype(float)
    targets = frames.copy()
    targets[1, 7] = np.nan  # one paragraph a coder left uncoded
    sets = (frozenset(), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"b"}))
    voices = rng.integers(0, len(sets), size=(2, 40)).astype(float)
    cases = [(stance, "ordinal", [-2, -1, 0, 1, 2]), (frames, "nominal", None),
             (targets, "nominal", None), (voices, masi_level(sets), list(range(len(sets))))]
    for values, level, domain in cases:
        counted = autocoders.TwoCodings.of(values, domain)
        drawn_rows = [rng.integers(40, size=40) for _ in range(30)]
        all_at_once = counted.alphas(level, autocoders.draw_weights(drawn_rows, 40))
        for rows, batched in zip(drawn_rows, all_at_once):
            drawn = values[:, rows]
            if np.isnan(drawn).any() or np.unique(drawn).size < 2:
                assert np.isnan(counted.alpha(level, rows)) and np.isnan(batched)
                continue
            expected = krippendorff.alpha(reliability_data=drawn, value_domain=domain,
                                          level_of_measurement=level)
            assert counted.alpha(level, rows) == pytest.approx(expected, abs=1e-12)
            assert batched == pytest.approx(expected, abs=1e-12)


