from dangbo.accounts import access
from dangbo.organizations.policies import work_q


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_accounts": access.can_manage_accounts(user),
            "nav_steering": work_q(user, "steer") is not None}
