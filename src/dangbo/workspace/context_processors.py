from dangbo.accounts.models import User
from dangbo.core import policies
from dangbo.organizations.models import Organization


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A menu shows only where the user may see or do something there. Admission, transfers and reports are the
    # work of those who keep member records of an organization: a plain member's role covers their own record
    # only (their own transfers and history are on their member page).
    return {
        "nav_accounts": policies.anywhere(user, policies.VIEW, User),
        "nav_steering": policies.anywhere(user, "steer", Organization),
        "nav_records": policies.anywhere(user, "member_records", Organization),
    }
