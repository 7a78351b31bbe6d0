"""Sign-in by user name regardless of case, as CRM.COM does (``mpadministrator`` signs in
``MPAdministrator``). User names are unique regardless of case (a database constraint)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class CaseInsensitiveModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_model._default_manager.filter(username__iexact=username).first()
        if user is None:
            # Hash anyway so that response time does not reveal which user names exist.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
