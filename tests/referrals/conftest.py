import pytest
from django.contrib.auth.models import Permission

from referrals.social_map import load_shipped
from tests import factories
from tests.mfa import give_totp


@pytest.fixture
def social_map(db):
    load_shipped()


@pytest.fixture
def nadia(db):
    """A coordinator who works referral cases, with an authenticator app (two-step sign-in)."""
    user = factories.UserFactory(first_name="Nadia", email="nadia@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="work_cases"))
    give_totp(user)
    return user
