from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Emails go out in the recipient's language, whatever page triggered them."""

    def send_mail(self, template_prefix, email, context):
        from django.utils import translation

        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_phone(self, user):
        """Phone numbers are contact details shared once both sides agree (see the profile),
        never a way to sign in: the app's phone endpoint has nothing to show."""
        return None
