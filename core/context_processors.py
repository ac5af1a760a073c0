def navigation(request):
    """Which top-level section the page belongs to, for the navigation bar."""
    match = getattr(request, "resolver_match", None)
    return {"nav_section": match.url_name if match else ""}
