"""Every page, rendered in French and in Dutch, shows no English that the catalogue translates
(or should translate): a string left untranslated, or never marked for translation, fails here."""

from __future__ import annotations

import pytest

from tests.browser import world as the_world
from tests.browser.catalogue import LOCALE, english_in, parse_po
from tests.browser.test_accessibility import ROLES, walk

# Every text a person or a screen reader meets: visible text nodes, option labels, the title and
# the accessible names in attributes. Text marked as another language (the language switch's
# "English", a quotation) is left out: it is meant to be in that language.
VISIBLE_TEXTS = """() => {
  const page = document.documentElement.lang;
  const foreign = el => {
    const tagged = el.closest('[lang]');
    return tagged && tagged.lang !== page;
  };
  const buttons = 'input[type=submit], input[type=button]';
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('script, style, noscript, template')) continue;
    if (foreign(el) || !(el.closest('option') || el.checkVisibility())) continue;
    texts.push(node.textContent.trim());
  }
  const named = `[aria-label], [title], [alt], [placeholder], ${buttons}`;
  for (const el of document.querySelectorAll(named)) {
    if (foreign(el)) continue;
    for (const name of ['aria-label', 'title', 'alt', 'placeholder', 'value']) {
      if (el.getAttribute(name) && (name !== 'value' || el.matches(buttons))) {
        texts.push(el.getAttribute(name));
      }
    }
  }
  return texts;
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_left_in_english(role, new_page):
    """Each of the role's pages in French, then in Dutch (one world for both, to stay quick)."""
    world = the_world.build()
    left = {}
    for language in ("fr", "nl"):
        for person in world.people.values():
            if person is not None:
                person.preferred_language = language
                person.save(update_fields=["preferred_language"])
        page = new_page(language=language)
        for key, url in walk(page, world, role):
            assert page.evaluate("document.documentElement.lang") == language, f"{key} {url}"
            found = english_in(page.evaluate(VISIBLE_TEXTS), language)
            if found:
                left[f"{language} {key} {url}"] = found
    assert not left, "English left on pages:\n" + "\n".join(
        f"  {where}: {found}" for where, found in left.items()
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_error_pages_are_not_left_in_english(language, new_page):
    page = new_page(language=language)
    for key, (role, url, status) in the_world.ERROR_PAGES.items():
        if role != "anonymous":
            continue
        assert page.goto(url).status == status
        assert page.evaluate("document.documentElement.lang") == language, key
        found = english_in(page.evaluate(VISIBLE_TEXTS), language)
        assert not found, f"English left on the {key} page in {language}: {found}"


def test_the_check_finds_english_left_on_a_french_page():
    assert english_in(["Mes demandes", "Ask for help"], "fr") == ["Ask for help"]
    assert english_in(
        ["Bonjour", "Your request is posted. We will let you know who offers to help."], "fr"
    ) == ["Your request is posted. We will let you know who offers to help."]
    assert english_in(["Demander de l'aide", "Un mot pour la personne (facultatif)"], "fr") == []


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_each_catalogue_holds_every_string_and_translates_it(language):
    """The three catalogues list the same msgids (the lead's `make messages` keeps them so), and
    French and Dutch translate every one of them."""
    msgids = {
        lang: {e.msgid for e in parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")}
        for lang in ("fr", "nl", "en")
    }
    everything = set().union(*msgids.values())
    assert not sorted(everything - msgids[language]), f"missing from {language}"
    if language != "en":
        untranslated = [
            e.msgid
            for e in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
            if e.fuzzy or not all(e.translations)
        ]
        assert not untranslated, f"untranslated in {language}: {untranslated}"


@pytest.mark.django_db(transaction=True)
def test_the_language_switch_names_each_language_in_itself(new_page):
    page = new_page(language="fr")
    page.goto("/")
    switch = page.locator("button[name=language]")
    names = {switch.nth(i).get_attribute("lang"): switch.nth(i).inner_text() for i in range(3)}
    assert names == {"fr": "Français", "nl": "Nederlands", "en": "English"}
    with page.expect_navigation():
        page.locator("button[name=language][value=nl]").click()
    assert page.evaluate("document.documentElement.lang") == "nl"
