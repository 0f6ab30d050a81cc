from dangbo.accounts import policies as access
from dangbo.organizations.policies import work_q, work_reach


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A menu shows only where the user may see or do something there. Admission, transfers and reports are the
    # work of those who keep member records of an organization: a plain member's role covers their own record
    # only (their own transfers and history are on their member page).
    return {
        "nav_accounts": access.can_manage_accounts(user),
        "nav_steering": work_q(user, "steer") is not None,
        "nav_records": not work_reach(user, "member_records").nothing,
    }
