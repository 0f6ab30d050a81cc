from .selectors import has_jobs


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_jobs": has_jobs(user)}
