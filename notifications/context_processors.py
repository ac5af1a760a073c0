def unread(request):
    """The bell's count in the top bar: read only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .services import unread_count

    return {"unread_notifications": lambda: unread_count(user)}
