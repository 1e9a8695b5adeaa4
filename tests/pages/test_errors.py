"""Error pages are the site's own, calm and in the reader's language; the API keeps its JSON."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

MISSING = "/nothing-lives-here/"


def test_it_answers_a_missing_page_with_a_404_in_french_for_a_french_person(jeanne, login):
    response = login(jeanne).get(MISSING)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Cette page n'existe pas" in html and "Retour à l'accueil" in html
    assert 'href="/"' in html  # a way home


def test_it_answers_a_missing_page_in_dutch_for_a_dutch_visitor():
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = browser.get(MISSING).content.decode()
    assert '<html lang="nl"' in html and "Deze pagina bestaat niet" in html


def test_a_missing_address_under_the_api_still_answers_json(jeanne, login):
    response = login(jeanne).get("/api/v1/nothing-lives-here/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_refusal_is_the_sites_403_page_in_the_readers_language(bob):
    request = RequestFactory().get("/somewhere/")
    request.user = bob
    with translation.override("fr"):
        response = defaults.permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Vous ne pouvez pas faire ceci ici" in html and "Retour à l'accueil" in html


def test_a_request_it_cannot_understand_is_the_sites_400_page(jeanne):
    browser = Client(headers={"accept-language": "fr"})
    response = browser.get("/", HTTP_HOST="not-our-site.example")
    assert response.status_code == 400
    assert "Nous n'avons pas pu comprendre cette demande" in response.content.decode()


def test_the_500_page_needs_no_context_and_speaks_the_three_languages():
    html = render_to_string("500.html")
    assert "Un problème de notre côté" in html
    assert 'lang="nl"' in html and "Een probleem bij ons" in html
    assert 'lang="en"' in html and "A problem on our side" in html
    assert "{%" not in html and 'href="/"' in html


def test_the_500_handler_renders_it_for_pages():
    from api.errors import server_error

    response = server_error(RequestFactory().get("/somewhere/"))
    assert response.status_code == 500 and "Un problème de notre côté" in response.content.decode()
