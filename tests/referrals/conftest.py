import pytest
from django.contrib.auth.models import Permission

from referrals.social_map import load_shipped
from tests import factories


@pytest.fixture
def social_map(db):
    load_shipped()


@pytest.fixture
def nadia(db):
    """A coordinator who works referral cases."""
    user = factories.UserFactory(first_name="Nadia", email="nadia@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="work_cases"))
    return user
