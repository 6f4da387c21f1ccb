from chorus.i18n import Catalogs, gettext, preferred_languages, use_language


def catalogs() -> Catalogs:
    return Catalogs(("en", "fr"), "en")


def test_languages_are_named_in_their_own_language():
    names = {language.code: language.name for language in catalogs().languages.values()}
    assert names == {"en": "English", "fr": "Français"}


def test_the_persons_choice_wins_over_the_browser():
    assert catalogs().negotiate("fr", "en-GB,en;q=0.9") == "fr"


def test_accept_language_is_followed_by_quality():
    assert catalogs().negotiate(None, "de-DE, fr-CA;q=0.8, en;q=0.5") == "fr"
    assert catalogs().negotiate(None, "fr;q=0, en;q=0.1") == "en"


def test_unknown_languages_fall_back_to_the_default():
    assert catalogs().negotiate("xx", "de, it") == "en"
    assert catalogs().negotiate(None, None) == "en"


def test_preferred_languages_ignore_garbage():
    assert preferred_languages("*, fr;q=abc, en") == ["en"]


def test_gettext_follows_the_current_language():
    chosen = catalogs()
    use_language(chosen, "fr")
    assert gettext("Exit this page") == "Quitter cette page"
    use_language(chosen, "en")
    assert gettext("Exit this page") == "Exit this page"
