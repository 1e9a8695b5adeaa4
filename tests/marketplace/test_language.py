"""Pages in French, Dutch and English, switchable, remembered; larger text that persists."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from marketplace.models import User


def test_it_switches_language_and_remembers_it_for_a_visitor():
    browser = Client()
    browser.post(reverse("language_set"), {"language": "nl", "next": "/"})
    body = browser.get(reverse("home")).content.decode()
    assert '<html lang="nl"' in body
    assert "Aanmelden" in body or "Inloggen" in body


def test_it_saves_the_choice_in_the_profile_of_a_signed_in_person(bob, login):
    browser = login(bob)
    browser.post(reverse("language_set"), {"language": "nl"})
    assert User.objects.get(pk=bob.pk).preferred_language == "nl"
    # On another device, without the cookie, the profile decides.
    assert '<html lang="nl"' in login(bob).get(reverse("home")).content.decode()


def test_it_ignores_an_unknown_language(bob, login):
    login(bob).post(reverse("language_set"), {"language": "xx"})
    assert User.objects.get(pk=bob.pk).preferred_language == "fr"


def test_it_refuses_to_redirect_elsewhere_after_switching():
    response = Client().post(
        reverse("language_set"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_larger_text_persists_across_pages():
    browser = Client()
    browser.post(reverse("text_size_set"), {"size": "large"})
    assert 'class="text-large"' in browser.get(reverse("home")).content.decode()
    browser.post(reverse("text_size_set"), {"size": "normal"})
    assert 'class="text-large"' not in browser.get(reverse("home")).content.decode()


def test_every_form_field_has_a_label(jeanne, login):
    import re

    body = login(jeanne).get(reverse("request_create")).content.decode()
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', body)
    assert ids and "id_submission" not in ids  # a hidden token is no field to label
    for field_id in ids:
        assert f'for="{field_id}"' in body or re.search(
            rf'<label[^>]*>\s*<input[^>]*id="{field_id}"', body
        ), field_id


def test_the_language_cookie_follows_the_language_cookie_settings(settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_HTTPONLY = True
    settings.LANGUAGE_COOKIE_SAMESITE = "Strict"
    settings.LANGUAGE_COOKIE_PATH = "/"
    response = Client().post(reverse("language_set"), {"language": "nl"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "nl" and cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"


def test_the_sign_up_form_proposes_the_language_the_page_is_read_in(db):
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    body = browser.get(reverse("account_signup")).content.decode()
    assert '<option value="nl" selected>' in body
    english = Client(headers={"accept-language": "en"}).get(reverse("account_signup"))
    assert '<option value="en" selected>' in english.content.decode()
