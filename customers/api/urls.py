from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import tabs, views

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("pools", views.PoolViewSet, basename="pools")

tab_router = SimpleRouter()
tab_router.register("contacts", tabs.ContactViewSet, basename="customer-contact")
tab_router.register("shares", tabs.ShareViewSet, basename="customer-share")
tab_router.register("history", tabs.HistoryViewSet, basename="customer-history")

relation_router = SimpleRouter()
relation_router.register("relations", tabs.RelationViewSet, basename="customer-contact-relation")

urlpatterns = [
    path("pool/", views.PoolView.as_view(), name="pool"),
    path("pool/<int:pk>/", views.PoolDetailView.as_view(), name="pool-detail"),
    path("pool/<int:pk>/history/", tabs.PoolHistoryView.as_view(), name="pool-history"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("shared/", views.SharedView.as_view(), name="shared"),
    path("recycle-bin/", views.RecycleBinView.as_view(), name="recycle-bin"),
    path("hand-over/", views.HandOverView.as_view(), name="hand-over"),
    path("pool-rules/", views.PoolRulesView.as_view(), name="pool-rules"),
    path("customers/<int:customer_pk>/", include(tab_router.urls)),
    path("customers/<int:customer_pk>/contacts/<int:contact_pk>/", include(relation_router.urls)),
    *router.urls,
]
