from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class MembershipBackend(ModelBackend):
    """Django's model backend, loading the user's membership with the user.

    Every respondent page needs the membership (to scope by organisation), so one query
    per request instead of two.
    """

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("membership__organisation").get(
                pk=user_id
            )
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
