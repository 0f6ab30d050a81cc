from dangbo.accounts import policy


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_accounts": policy.can_manage_accounts(user),
            "nav_steering": policy.steering_q(user, policy.VIEW) is not None}
