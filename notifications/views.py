"""The notification centre (issue 17): the list, and marking read (one, by opening it, or
all). Everyone signed in has their own; no one sees another's."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core.views import ServiceErrorPages

from . import services
from .models import Notification

PER_PAGE = 50


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request):
        rows = Notification.objects.filter(user=request.user)
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "notifications/list.html",
            {
                "page": page,
                "nav_section": "notifications",
                "unread": services.unread_count(request.user),
            },
        )


class ReadView(LoginRequiredMixin, ServiceErrorPages, View):
    """Opening a notification marks it read and goes where it points (a local path only)."""

    def post(self, request, pk):
        notification = services.mark_read(request.user, pk)
        target = notification.url
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            target = "notifications:list"
        return redirect(target)


class ReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        services.mark_all_read(request.user)
        return redirect("notifications:list")
