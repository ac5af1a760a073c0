from django.urls import path

from .views import handover, lists, pool_rules, pools, records

app_name = "customers"

urlpatterns = [
    path("pool/", lists.PoolListView.as_view(), name="pool"),
    path("pool/<int:pk>/", records.PoolCustomerView.as_view(), name="pool-detail"),
    path("pool/<int:pk>/edit/", records.PoolCustomerEditView.as_view(), name="pool-edit"),
    path("mine/", lists.MineListView.as_view(), name="mine"),
    path("shared/", lists.SharedListView.as_view(), name="shared"),
    path("recycle-bin/", lists.RecycleBinView.as_view(), name="bin"),
    path("customers/batch/", lists.BatchActionView.as_view(), name="batch"),
    path("hand-over/", handover.HandOverView.as_view(), name="hand-over"),
    path("pool/rules/", pool_rules.PoolRulesView.as_view(), name="pool-rules"),
    path("pools/", pools.PoolListView.as_view(), name="pools"),
    path("pools/new/", pools.PoolFormView.as_view(), name="pools-new"),
    path("pools/<int:pk>/", pools.PoolFormView.as_view(), name="pools-edit"),
    path("pools/<int:pk>/delete/", pools.PoolDeleteView.as_view(), name="pools-delete"),
    path("customers/new/", records.CustomerCreateView.as_view(), name="new"),
    path("customers/duplicates/", records.DuplicatesView.as_view(), name="duplicates"),
    path("customers/<int:pk>/", records.CustomerDetailView.as_view(), name="detail"),
    path("customers/<int:pk>/print/", records.CustomerPrintView.as_view(), name="print"),
    path("customers/<int:pk>/edit/", records.CustomerEditView.as_view(), name="edit"),
    path("customers/<int:pk>/contacts/add/", records.ContactAddView.as_view(), name="contact-add"),
    path(
        "customers/<int:pk>/contacts/delete/",
        records.ContactDeleteView.as_view(),
        name="contact-delete",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/",
        records.ContactEditView.as_view(),
        name="contact-edit",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/primary/",
        records.ContactPrimaryView.as_view(),
        name="contact-primary",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/relations/add/",
        records.RelationAddView.as_view(),
        name="relation-add",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/relations/<int:relation_pk>/delete/",
        records.RelationDeleteView.as_view(),
        name="relation-delete",
    ),
    path("customers/<int:pk>/shares/add/", records.ShareAddView.as_view(), name="share-add"),
    path(
        "customers/<int:pk>/shares/remove/",
        records.ShareRemoveTickedView.as_view(),
        name="share-remove-many",
    ),
    path(
        "customers/<int:pk>/shares/<int:share_pk>/remove/",
        records.ShareRemoveView.as_view(),
        name="share-remove",
    ),
]
