"""Scrubbing finds phone numbers, email addresses, street addresses and names, in
English and French, and redacts only what the person chose to remove."""

import time
from importlib import resources

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from anonymity.scrubbing import (
    ENGLISH_MARKERS,
    KINDS,
    LANGUAGES_COVERED,
    Finding,
    find_identifying,
    redact,
)


def found(text: str, language: str, kind: str | None = None) -> list[str]:
    return [f.text for f in find_identifying(text, language) if kind in (None, f.kind)]


def assert_found(text: str, language: str, kind: str, expected: str) -> None:
    findings = find_identifying(text, language)
    assert (kind, expected) in [(f.kind, f.text) for f in findings], findings


# --- Phone numbers ----------------------------------------------------------------

PHONES_EN = [
    ("Call me on +44 20 7946 0958 after work.", "+44 20 7946 0958"),
    ("My mobile is 07700 900123.", "07700 900123"),
    ("Ring 020 7946 0958 if you can.", "020 7946 0958"),
    ("The office line is (555) 123-4567.", "(555) 123-4567"),
    ("Text 555-123-4567 please", "555-123-4567"),
    ("From abroad dial 0044 20 7946 0958.", "0044 20 7946 0958"),
    ("His number: +1 555 123 4567", "+1 555 123 4567"),
    ("Try +44 (0)20 7946 0958 tomorrow", "+44 (0)20 7946 0958"),
    ("She gave me 0161 496 0000 to call.", "0161 496 0000"),
    ("Nigerian line 0803 123 4567.", "0803 123 4567"),
    ("Write 5551234567 on the form", "5551234567"),
    ("Numbers: 0612345678,0712345678", "0612345678"),
]
PHONES_FR = [
    ("Appelez-moi au 06 12 34 56 78.", "06 12 34 56 78"),
    ("Mon numéro : 06.12.34.56.78", "06.12.34.56.78"),
    ("Son portable 0612345678 ne répond pas.", "0612345678"),
    ("Tél. +33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("Depuis l'étranger : 0033 6 12 34 56 78.", "0033 6 12 34 56 78"),
    ("Le bureau : 01-42-68-53-00", "01-42-68-53-00"),
    ("Le fixe 04 78 12 34 56 le matin", "04 78 12 34 56"),
    ("Joignable au +33 (0)6 12 34 56 78", "+33 (0)6 12 34 56 78"),
    ("Écris au 07\u00a012\u00a034\u00a056\u00a078 stp", "07\u00a012\u00a034\u00a056\u00a078"),
    ("Au Maroc : +212 6 12 34 56 78.", "+212 6 12 34 56 78"),
]


@pytest.mark.parametrize(("text", "expected"), PHONES_EN)
def test_english_phone_numbers_are_found(text, expected):
    assert_found(text, "en", "phone", expected)


@pytest.mark.parametrize(("text", "expected"), PHONES_FR)
def test_french_phone_numbers_are_found(text, expected):
    assert_found(text, "fr", "phone", expected)


NOT_PHONES = [
    "On 12/03/2024 the police came.",
    "It was 2024-03-12, a Tuesday.",
    "Le 12.03.2024 à 10h30.",
    "The meeting is at 10:30-11:45 on 03/04/2024.",
    "I arrived in 1999 and left in 2024.",
    "J'ai payé 1 200 € et 3 500 euros.",
    "It cost $1,200.50 and £1,000,000.",
    "Il y avait 1 200 000 personnes.",
    "A rise of 12.5% and 45 %.",
    "Room 12, floor 3, bus 38, code 1234.",
    "The case number 2024/00123 is closed.",
    "Between 08.30-09.45 every day.",
    "Version 2.3.1 of the form, page 12 of 30.",
    "Le 03 04 2024 à 10:30.",
    "1 200 000 000 FCFA",
    "On 12-03-2024 at 14.30.",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_dates_money_times_and_short_numbers_are_not_phone_numbers(text):
    assert found(text, "en", "phone") == []
    assert found(text, "fr", "phone") == []


# --- Email addresses --------------------------------------------------------------

EMAILS_EN = [
    ("Write to amina.diallo@gmail.com today.", "amina.diallo@gmail.com"),
    ("Contact: j.smith+chorus@example.co.uk.", "j.smith+chorus@example.co.uk"),
    ("My email is amina at gmail dot com", "amina at gmail dot com"),
    ("jean dot dupont at yahoo dot fr is his", "jean dot dupont at yahoo dot fr"),
    ("Use oksana [at] mail [dot] ru please", "oksana [at] mail [dot] ru"),
    ("It's blessing (at) hotmail (dot) com.", "blessing (at) hotmail (dot) com"),
    ("Email osas_22 at gmail", "osas_22 at gmail"),
    ("Reach me at kofi@proton.me, thanks", "kofi@proton.me"),
    ("ADDRESS: MARY.JONES@OUTLOOK.COM", "MARY.JONES@OUTLOOK.COM"),
    ("Send it to fatou @ gmail.com", "fatou @ gmail.com"),
]
EMAILS_FR = [
    ("Écrivez à marie.dupont@orange.fr merci.", "marie.dupont@orange.fr"),
    ("mon mail : nom arobase domaine point fr", "nom arobase domaine point fr"),
    ("c'est karim arobase gmail point com", "karim arobase gmail point com"),
    ("marie [at] orange [dot] fr", "marie [at] orange [dot] fr"),
    ("écris à fatou.sow@laposte.net.", "fatou.sow@laposte.net"),
    ("adresse : awa (arobase) free (point) fr", "awa (arobase) free (point) fr"),
    ("son adresse est ivan.petrov arobase yandex point ru", "ivan.petrov arobase yandex point ru"),
    ("contact@association-exemple.org pour l'aide", "contact@association-exemple.org"),
    ("Mon adresse est aminata.d@gmail", "aminata.d@gmail"),
]


@pytest.mark.parametrize(("text", "expected"), EMAILS_EN)
def test_english_email_addresses_are_found(text, expected):
    assert_found(text, "en", "email", expected)


@pytest.mark.parametrize(("text", "expected"), EMAILS_FR)
def test_french_email_addresses_are_found(text, expected):
    assert_found(text, "fr", "email", expected)


NOT_EMAILS = [
    "I looked at him point blank.",
    "We met at the station. Point taken.",
    "Je suis arrivée au point de rendez-vous.",
    "Meet @ 5pm at the café.",
    "She is at home dot by dot.",
    "I was at work, point final.",
]


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_at_and_dot_in_ordinary_sentences_are_not_email_addresses(text):
    assert found(text, "en", "email") == []
    assert found(text, "fr", "email") == []


# --- Street addresses --------------------------------------------------------------

ADDRESSES_EN = [
    ("I lived at 12 Baker Street for a year.", "12 Baker Street"),
    ("Then 221B Baker St. near the park.", "221B Baker St."),
    ("They kept us at Flat 3, 45 High Road.", "Flat 3, 45 High Road"),
    ("Not far from 10 Downing St today.", "10 Downing St"),
    ("The house at 7 Oak Lane, Leeds LS1 4AB.", "7 Oak Lane, Leeds LS1 4AB"),
    ("We met at 1600 Pennsylvania Avenue.", "1600 Pennsylvania Avenue"),
    ("123 Main St, Springfield, IL 62704 was the shop.", "123 Main St, Springfield, IL 62704"),
    ("the flat at 14 station road", "14 station road"),
    ("A room in 3 St John's Close.", "3 St John's Close"),
    ("At 56 Victoria Drive, upstairs.", "56 Victoria Drive"),
    ("The postcode was SW1A 1AA.", "SW1A 1AA"),
    ("near 9 Kings Court in town", "9 Kings Court"),
]
ADDRESSES_FR = [
    ("J'habitais au 12 rue de la Paix.", "12 rue de la Paix"),
    ("Puis au 3 bis avenue Jean Jaurès.", "3 bis avenue Jean Jaurès"),
    ("Le foyer, 45, boulevard Saint-Michel 75005 Paris.", "45, boulevard Saint-Michel 75005 Paris"),
    ("Ils nous logeaient 8 impasse des Lilas.", "8 impasse des Lilas"),
    ("au 27 quai de la Loire, au fond", "27 quai de la Loire"),
    ("Le salon, 5 place Bellecour 69002 Lyon", "5 place Bellecour 69002 Lyon"),
    ("Rendez-vous 14 chemin du Moulin.", "14 chemin du Moulin"),
    ("C'était 2 allée Victor Hugo, Nantes.", "2 allée Victor Hugo"),
    ("Au 30 av. Foch, deuxième étage.", "30 av. Foch"),
    ("Au 12 rue de la paix depuis 2010.", "12 rue de la paix"),
    ("L'appartement du 18 bd de l'Hôpital", "18 bd de l'Hôpital"),
    ("On vivait à 93200 Saint-Denis.", "93200 Saint-Denis"),
]


@pytest.mark.parametrize(("text", "expected"), ADDRESSES_EN)
def test_english_street_addresses_are_found(text, expected):
    assert_found(text, "en", "address", expected)


@pytest.mark.parametrize(("text", "expected"), ADDRESSES_FR)
def test_french_street_addresses_are_found(text, expected):
    assert_found(text, "fr", "address", expected)


def test_an_address_in_the_other_language_is_found_when_written_the_usual_way():
    assert_found("I was kept at 12 rue de la Paix in Paris.", "en", "address", "12 rue de la Paix")
    assert_found("J'ai vécu au 12 Baker Street à Londres.", "fr", "address", "12 Baker Street")


NOT_ADDRESSES = [
    ("Rue de Rivoli est très longue.", "fr"),
    ("La rue était sombre, je dormais dans la rue.", "fr"),
    ("J'ai attendu 3 heures dans la rue.", "fr"),
    ("Il y a 3 jours court. J'ai 2 enfants sur place.", "fr"),
    ("I waited 3 hours on the road.", "en"),
    ("2 kids on the street and 5 square meters.", "en"),
    ("It took 2 years one way.", "en"),
    ("In 2020 Supreme Court judges ruled.", "en"),
    ("Baker Street is in London.", "en"),
    ("We walked 5 miles down the lane.", "en"),
    ("It is a 2 way street.", "en"),
    ("J'ai suivi 2 cours de français et 3 cours de couture.", "fr"),
    ("J'ai trouvé 1 place de parking, 2 places assises.", "fr"),
    ("Prenez la route 12 puis 3 route droite.", "fr"),
]


@pytest.mark.parametrize(("text", "language"), NOT_ADDRESSES)
def test_street_words_without_an_address_are_not_addresses(text, language):
    assert found(text, language, "address") == []


# --- Names -------------------------------------------------------------------------

NAMES_EN = [
    ("My name is Amina and I need help.", "Amina"),
    ("my name is chidinma", "chidinma"),
    ("I am Zoltan, from the north.", "Zoltan"),
    ("I met Mr Smith at the office.", "Mr Smith"),
    ("Then Dr. Ngozi Okafor saw me.", "Dr. Ngozi Okafor"),
    ("My friend Oksana helped me.", "Oksana"),
    ("A man named Vasile drove the van.", "Vasile"),
    ("Ask Mrs O'Brien about it.", "Mrs O'Brien"),
    ("Yesterday Fatou Diallo called.", "Fatou Diallo"),
    ("i went with mohamed to the shop", "mohamed"),
    ("We told Will about it.", "Will"),
    ("Madam Joy took our passports.", "Madam Joy"),
    ("Ivan's brother was there.", "Ivan"),
    ("Call me Blessing.", "Blessing"),
    ("Priya S. was my caseworker.", "Priya S"),
    ("They called me Esohe.", "Esohe"),
    ("Follow @amina_d on Instagram.", "@amina_d"),
]
NAMES_FR = [
    ("Je m'appelle Chidinma et j'ai 25 ans.", "Chidinma"),
    ("je m’appelle awa", "awa"),
    ("Je suis Oksana, je viens d'Ukraine.", "Oksana"),
    ("J'ai vu M. Dupont au bureau.", "M. Dupont"),
    ("C'était Mme Fatou Diallo.", "Mme Fatou Diallo"),
    ("Ma sœur Aïcha m'a aidée.", "Aïcha"),
    ("Un homme nommé Karim conduisait.", "Karim"),
    ("Mon avocate, Me Martin, est gentille.", "Me Martin"),
    ("Le passeur Osagie nous attendait.", "Osagie"),
    ("Elle s'appelle Ngozi Okafor.", "Ngozi Okafor"),
    ("Mon patron DIALLO Mamadou criait.", "DIALLO Mamadou"),
    ("J'ai parlé avec madame Traoré.", "madame Traoré"),
    ("Il s'appelait Marie-Thérèse Lefèvre", "Marie-Thérèse Lefèvre"),
    ("On l'appelait Tonton Ibrahim.", "Tonton Ibrahim"),
    ("Pierre m'a menacée.", "Pierre"),
    ("La fille d'Amina est malade.", "Amina"),
]


@pytest.mark.parametrize(("text", "expected"), NAMES_EN)
def test_english_names_are_found(text, expected):
    assert_found(text, "en", "name", expected)


@pytest.mark.parametrize(("text", "expected"), NAMES_FR)
def test_french_names_are_found(text, expected):
    assert_found(text, "fr", "name", expected)


def test_the_longest_finding_wins_where_two_overlap():
    assert found("C'était Mme Fatou Diallo.", "fr") == ["Mme Fatou Diallo"]
    assert found("Write to amina.diallo@gmail.com", "en") == ["amina.diallo@gmail.com"]
    assert found("Au 2 allée Victor Hugo", "fr") == ["2 allée Victor Hugo"]


NOT_NAMES = [
    ("The service was good and the staff listened to me.", "en"),
    ("Monday in Paris with Chorus in May, then the police at the Home Office.", "en"),
    ("I am French. I am Muslim. I'm Albanian. I am happy now.", "en"),
    ("Will you help? Hope you are well. Mark my words.", "en"),
    ("Thank you Chorus, the proposal was fair and the vote was clear.", "en"),
    ("We arrived in London from Nigeria in December.", "en"),
    ("I will hope for the best; my grace period ended.", "en"),
    ("Le service était bien. L'équipe du foyer m'a écoutée.", "fr"),
    ("Je suis Nigériane et je suis contente. Merci Chorus.", "fr"),
    ("Ravi de vous aider. Petit à petit, ça va mieux.", "fr"),
    ("Elle se marie demain et je suis mariée depuis 2015.", "fr"),
    ("La préfecture et la police étaient lentes en janvier.", "fr"),
    ("Je m'appelle comment ? Mon nom est secret.", "fr"),
]


@pytest.mark.parametrize(("text", "language"), NOT_NAMES)
def test_ordinary_sentences_have_no_names(text, language):
    assert found(text, language) == []


def test_ordinary_paragraphs_in_both_languages_raise_nothing():
    english = (
        "The shelter was clean and the staff were kind. I waited three weeks for an "
        "interpreter, which was too long. On 12/03/2024 at 10:30 I had my interview; "
        "it took 2 hours. I paid £1,200 for the lawyer, about 45% of my savings. "
        "Please open the centre on Sundays. Thank you."
    )
    french = (
        "Le foyer était propre et l'équipe gentille. J'ai attendu trois semaines un "
        "interprète, c'est trop long. Le 12/03/2024 à 10h30 j'ai eu mon entretien, qui "
        "a duré 2 heures. J'ai payé 1 200 € à l'avocat. Merci d'ouvrir le centre le "
        "dimanche. Merci beaucoup."
    )
    assert find_identifying(english, "en") == []
    assert find_identifying(french, "fr") == []


def test_every_listed_given_name_is_found_mid_sentence():
    listed = resources.files("anonymity").joinpath("scrubbing_data", "given_names.txt")
    names = [
        line.strip()
        for line in listed.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(names) > 300
    missed = [
        name
        for name in names
        if found(f"Hier j'ai vu {name.title()} au marché.", "fr", "name") != [name.title()]
    ]
    assert missed == []


# --- Languages ---------------------------------------------------------------------


def test_english_and_french_are_covered():
    assert LANGUAGES_COVERED == ("en", "fr")


def test_a_language_is_read_from_its_tag():
    text = "Je m'appelle Zorglub."
    assert found(text, "fr-CA", "name") == ["Zorglub"]
    assert found(text, "FR_fr", "name") == ["Zorglub"]


def test_cues_follow_the_language_and_an_unknown_language_gets_them_all():
    # In lower case, only a cue makes "zorglub" a name (capitalised, it is one anyway).
    french_cue = "je m'appelle zorglub"
    english_cue = "my name is zorglub"
    assert found(french_cue, "fr", "name") == ["zorglub"]
    assert found(french_cue, "en", "name") == []
    assert found(english_cue, "en", "name") == ["zorglub"]
    assert found(english_cue, "fr", "name") == []
    for unknown in ("de", "", "und"):
        assert found(french_cue, unknown, "name") == ["zorglub"]
        assert found(english_cue, unknown, "name") == ["zorglub"]


# --- Redaction ---------------------------------------------------------------------


def test_redact_replaces_the_chosen_findings_with_the_markers():
    text = "I am Amina, call 06 12 34 56 78 or write to amina@example.org."
    findings = find_identifying(text, "en")
    assert [f.kind for f in findings] == ["name", "phone", "email"]
    assert redact(text, findings, ENGLISH_MARKERS) == (
        "I am [name removed], call [phone number removed] or write to [email address removed]."
    )


def test_redact_keeps_what_the_person_chose_to_keep():
    text = "Je m'appelle Awa, j'habite 12 rue de la Paix."
    findings = find_identifying(text, "fr")
    address = [f for f in findings if f.kind == "address"]
    markers = {
        "phone": "[numéro retiré]",
        "email": "[adresse e-mail retirée]",
        "address": "[adresse retirée]",
        "name": "[nom retiré]",
    }
    assert redact(text, address, markers) == "Je m'appelle Awa, j'habite [adresse retirée]."
    assert redact(text, [], markers) == text


def test_redact_refuses_findings_that_do_not_match_the_text():
    text = "My name is Amina."
    (finding,) = find_identifying(text, "en")
    with pytest.raises(ValueError, match="does not match"):
        redact("My name is Anna!", [finding], ENGLISH_MARKERS)
    with pytest.raises(ValueError, match="does not match"):
        redact("short", [finding], ENGLISH_MARKERS)


def test_redact_refuses_overlapping_findings_and_missing_markers():
    text = "Mme Fatou Diallo"
    whole = Finding("name", 0, 16, text)
    part = Finding("name", 4, 9, "Fatou")
    with pytest.raises(ValueError, match="overlap"):
        redact(text, [whole, part], ENGLISH_MARKERS)
    with pytest.raises(ValueError, match="no marker"):
        redact(text, [whole], {"phone": "[x]"})
    assert redact(text, [whole, whole], ENGLISH_MARKERS) == "[name removed]"


def test_a_finding_is_checked_when_made():
    with pytest.raises(ValueError):
        Finding("ssn", 0, 3, "abc")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Finding("name", 2, 2, "")
    with pytest.raises(ValueError):
        Finding("name", 0, 5, "abc")


# --- Properties ----------------------------------------------------------------------

PIECES = [
    " ",
    "  ",
    "\n",
    ".",
    ",",
    "'",
    "’",
    "-",
    "@",
    "+",
    "(",
    ")",
    ":",
    "/",
    "Amina",
    "amina",
    "DIALLO",
    "Fatou",
    "Diallo",
    "Will",
    "Mr",
    "M.",
    "Mme",
    "my name is",
    "je m'appelle",
    "I am",
    "friend",
    "at",
    "dot",
    "point",
    "arobase",
    "gmail",
    "com",
    "fr",
    "+33",
    "06",
    "12",
    "34",
    "0044",
    "2024",
    "1 200",
    "€",
    "%",
    "rue",
    "de la",
    "Paix",
    "Baker",
    "Street",
    "St.",
    "75005",
    "Paris",
    "SW1A 1AA",
    "bis",
    "e\u0301",
    "É",
    "'s",
    "\u00a0",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=60).map("".join)
languages = st.sampled_from(["en", "fr", "de", ""])


@given(texts, languages)
@example("Mme Fatou Diallo, 06 12 34 56 78, 12 rue de la Paix, amina at gmail dot com", "fr")
def test_findings_are_sorted_never_overlap_and_quote_the_text(text, language):
    findings = find_identifying(text, language)
    end = 0
    for finding in findings:
        assert finding.kind in KINDS
        assert finding.text == text[finding.start : finding.end]
        assert finding.text.strip() == finding.text
        assert finding.start >= end
        end = finding.end


@given(texts, languages, st.data())
def test_redact_keeps_everything_else_byte_for_byte(text, language, data):
    findings = find_identifying(text, language)
    chosen = data.draw(
        st.lists(st.sampled_from(findings), unique=True) if findings else st.just([])
    )
    markers = {kind: f"<{kind}>" for kind in KINDS}
    redacted = redact(text, chosen, markers)
    rebuilt, position = [], 0
    for finding in sorted(chosen, key=lambda f: f.start):
        rebuilt += [text[position : finding.start], f"<{finding.kind}>"]
        position = finding.end
    rebuilt.append(text[position:])
    assert redacted == "".join(rebuilt)
    assert redact(text, [], markers) == text


@given(st.text(max_size=300), languages)
def test_any_text_at_all_is_scanned_without_error(text, language):
    for finding in find_identifying(text, language):
        assert finding.text == text[finding.start : finding.end]


# --- Speed ---------------------------------------------------------------------------


def test_a_long_text_is_scanned_quickly():
    paragraph = (
        "My name is Amina and I stayed at 12 Baker Street, London SW1A 1AA. Call "
        "+44 20 7946 0958 or write to amina at gmail dot com. Je m'appelle Fatou, "
        "j'habite 3 bis avenue Jean Jaurès 75019 Paris, 06 12 34 56 78. The staff "
        "were kind and the interpreter came on 12/03/2024 at 10:30; I paid 1 200 €. "
    )
    text = (paragraph * (5000 // len(paragraph) + 1))[:5000]
    find_identifying(text, "en")
    started = time.perf_counter()
    findings = find_identifying(text, "en")
    elapsed = time.perf_counter() - started
    print(f"scanned {len(text)} characters in {elapsed * 1000:.1f} ms, {len(findings)} findings")
    assert len(findings) > 50
    assert elapsed < 2  # a sanity bound only; benchmarks measure speed
